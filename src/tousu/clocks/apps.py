from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "tousu.clocks"
    label = "clocks"
    verbose_name = "工作日历"
