"""The parts of a page that belong to its visitor (shop/personal).

{% personal "basket" %}                         a part, for this visitor
{% personal "delivery" origin %}                a part with a key
{% personal_choice "heart" product.pk as kept %}…{% endpersonal_choice %}
                                                a part with two faces, `kept` telling which
"""

from django import template

from shop import personal as parts

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, name: str, key="") -> str:
    return parts.place(context.get("request"), name, "" if key is None else str(key))


class ChoiceNode(template.Node):
    def __init__(self, name, key, variable: str, nodelist):
        self.name, self.key, self.variable, self.nodelist = name, key, variable, nodelist

    def render(self, context) -> str:
        def face(shown: bool) -> str:
            with context.push(**{self.variable: shown}):
                return self.nodelist.render(context)

        key = self.key.resolve(context)
        return parts.place_choice(
            context.get("request"), self.name.resolve(context), str(key), face
        )


@register.tag
def personal_choice(parser, token):
    bits = token.split_contents()
    if len(bits) != 5 or bits[3] != "as":
        raise template.TemplateSyntaxError(
            '{% personal_choice "name" key as variable %}…{% endpersonal_choice %}'
        )
    nodelist = parser.parse(("endpersonal_choice",))
    parser.delete_first_token()
    return ChoiceNode(
        parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), bits[4], nodelist
    )
