"""Render Django form fields and errors as GOV.UK Frontend components."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _described_by(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


def _control(field: forms.BoundField, width: str) -> SafeString:
    widget = field.field.widget
    attrs: dict[str, Any] = {}
    if described := _described_by(field):
        attrs["aria-describedby"] = described
    error = " govuk-input--error" if field.errors else ""
    if isinstance(widget, forms.Textarea):
        attrs["class"] = "govuk-textarea" + (" govuk-textarea--error" if field.errors else "")
    elif isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        attrs["class"] = "govuk-select" + (" govuk-select--error" if field.errors else "")
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        attrs["class"] = "govuk-file-upload" + (" govuk-file-upload--error" if field.errors else "")
    else:
        attrs["class"] = f"govuk-input{error}" + (f" govuk-input--width-{width}" if width else "")
    existing = widget.attrs.get("class", "")
    if existing:
        attrs["class"] += " " + existing
    return field.as_widget(attrs=attrs)


def _choices(field: forms.BoundField, kind: str) -> SafeString:
    rows = []
    for sub in field.subwidgets:
        data = sub.data
        item_id = data["attrs"].get("id") or f"{field.auto_id}_{data['index']}"
        rows.append(
            (
                kind,
                kind,
                item_id,
                field.html_name,
                data["type"],
                data["value"] or "",
                " checked" if data["selected"] else "",
                kind,
                item_id,
                data["label"],
            )
        )
    items = format_html_join(
        "",
        '<div class="govuk-{}__item"><input class="govuk-{}__input" id="{}" name="{}" type="{}" value="{}"{}>'
        '<label class="govuk-label govuk-{}__label" for="{}">{}</label></div>',
        rows,
    )
    return format_html('<div class="govuk-{}" data-module="govuk-{}">{}</div>', kind, kind, items)


@register.simple_tag
def govuk_field(field: forms.BoundField, width: str = "", label_size: str = "") -> SafeString:
    hint = (
        format_html('<div id="{}-hint" class="govuk-hint">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    errors = (
        format_html(
            '<p id="{}-error" class="govuk-error-message">{}</p>',
            field.auto_id,
            format_html_join(
                mark_safe("<br>"), '<span class="govuk-visually-hidden">Error:</span> {}', ((e,) for e in field.errors)
            ),
        )
        if field.errors
        else ""
    )
    group = "govuk-form-group" + (" govuk-form-group--error" if field.errors else "")
    label_class = "govuk-label" + (f" govuk-label--{label_size}" if label_size else "")
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        kind = "checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "radios"
        legend_class = "govuk-fieldset__legend" + (f" govuk-fieldset__legend--{label_size}" if label_size else "")
        described = _described_by(field)
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset"{}><legend class="{}">{}</legend>{}{}{}</fieldset></div>',
            group,
            format_html(' aria-describedby="{}"', described) if described else "",
            legend_class,
            field.label,
            hint,
            errors,
            _choices(field, kind),
        )
    if isinstance(widget, forms.CheckboxInput):
        attrs: dict[str, str | bool] = {"class": "govuk-checkboxes__input"}
        if described := _described_by(field):
            attrs["aria-describedby"] = described
        control = field.as_widget(attrs=attrs)
        item_hint = (
            format_html(
                '<div id="{}-hint" class="govuk-hint govuk-checkboxes__hint">{}</div>', field.auto_id, field.help_text
            )
            if field.help_text
            else ""
        )
        return format_html(
            '<div class="{}">{}<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            '<div class="govuk-checkboxes__item">{}'
            '<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label>'
            "{}</div></div></div>",
            group,
            errors,
            control,
            field.id_for_label,
            field.label,
            item_hint,
        )
    return format_html(
        '<div class="{}"><label class="{}" for="{}">{}</label>{}{}{}</div>',
        group,
        label_class,
        field.id_for_label,
        field.label,
        hint,
        errors,
        _control(field, width),
    )


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for name, errors in form.errors.items():
        anchor = f"#{form[name].auto_id}" if name in form.fields else ""
        if name in form.fields and isinstance(
            form.fields[name].widget, forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            anchor = f"#{form[name].auto_id}_0"
        items.extend({"text": e, "href": anchor} for e in errors)
    return {"items": items}
