from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "tousu.packs"
    label = "packs"
    verbose_name = "行业规则包"
