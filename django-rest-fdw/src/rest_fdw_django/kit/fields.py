"""What the kit needs to know of model fields beyond Django's own API."""


def column_field(field):
    """The field whose values a foreign key's column holds: its target, or
    that target's own target when the key points at a primary key that is
    itself a key (a one-to-one parent link), down to a plain field."""
    while field.is_relation:
        field = field.target_field
    return field
