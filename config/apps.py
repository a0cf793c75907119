from django.contrib.admin.apps import AdminConfig


class CauserieAdminConfig(AdminConfig):
    default_site = "config.admin.CauserieAdminSite"
