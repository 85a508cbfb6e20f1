from django.apps import AppConfig


class KorderSiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "korder_site"
    verbose_name = "Site and API access"
