import configparser
from pathlib import Path

config = configparser.ConfigParser()
config.read(Path(__file__).with_name("reports.ini"))
