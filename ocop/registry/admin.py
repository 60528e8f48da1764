from django.contrib import admin

from .models import EcommerceLink, Photo, Producer, Product, ProductGroup, ProductSet, Sector, Taxonomy


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "tax_code", "commune"]
    search_fields = ["name", "tax_code"]
    raw_id_fields = ["commune"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "star", "producer", "commune"]
    search_fields = ["name", "code"]
    raw_id_fields = ["producer", "commune"]


admin.site.register([Taxonomy, Sector, ProductGroup, ProductSet, Photo, EcommerceLink])
