"""Templates ask ``shop.roles`` who someone is: ``{% load roles %}{% if user|is_operator %}``."""

from django import template

from shop import roles

register = template.Library()
register.filter("is_operator", roles.is_operator)
register.filter("is_producer", roles.is_producer)
register.filter("is_inspector", roles.is_inspector)
register.filter("work_of", roles.work_of)
