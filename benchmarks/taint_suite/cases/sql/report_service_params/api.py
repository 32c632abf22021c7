from fastapi import APIRouter, Depends

from .services import ReportService, get_report_service

router = APIRouter()


@router.get("/reports/sales")
def sales(region: str, service: ReportService = Depends(get_report_service)):
    return service.sales_for(region)
