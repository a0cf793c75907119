from django.db import migrations

INDEX = "blog_article_search_vector_gin"


def create_index(apps, schema_editor):
    # GIN exists on PostgreSQL only; elsewhere search matches words without a vector (blog/search.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON blog_article USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("blog", "0001_create_articles_and_tags")]

    operations = [migrations.RunPython(create_index, drop_index)]
