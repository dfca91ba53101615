"""Forms for authoring modules, publishing versions and importing completions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from PIL import Image, UnidentifiedImageError

from townsquare.councils.models import Council
from townsquare.governance.models import Policy, TrainingModule
from townsquare.learning.models import LearningModule, ModuleVersion, Page, Question

MAX_IMAGE_BYTES = 5_000_000


def posted(request: HttpRequest) -> tuple[Any, Any]:
    """The form data and files on a POST (even an empty one, which must still be checked), else None."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


CHOICE_ROWS = 5


class ModuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LearningModule
        fields = [
            "title",
            "slug",
            "summary",
            "audience",
            "training_module",
            "policy",
            "pass_mark",
            "complete_within_days",
        ]
        labels = {
            "training_module": "Training it completes",
            "policy": "Policy it teaches",
            "pass_mark": "Pass mark (%)",
            "complete_within_days": "Days to complete it",
        }

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.council = council
        self.fields["training_module"].queryset = TrainingModule.objects.filter(council=council)  # type: ignore[attr-defined]
        self.fields["policy"].queryset = Policy.objects.filter(council=council, retired=False)  # type: ignore[attr-defined]

    def clean_pass_mark(self) -> int:
        value: int = self.cleaned_data["pass_mark"]
        if not 1 <= value <= 100:
            raise ValidationError("Give a pass mark between 1 and 100.")
        return value

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        taken = LearningModule.objects.filter(council=self.instance.council, slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("Another module at this council already uses that address.")
        return slug


class PageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Page
        fields = ["title", "body", "image", "image_alt", "policy_section"]
        labels = {
            "image": "Image (optional)",
            "image_alt": "Alt text for the image",
            "policy_section": "Section of the policy this page follows (optional)",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: Any, version: ModuleVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.version = version
        policy = version.module.policy
        current = policy.current_version if policy else None
        if current is not None:
            titles = ", ".join(f"'{s.title}'" for s in current.sections.all())
            self.fields["policy_section"].help_text = f"One of {titles} in {policy}, version {current.number}."

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):
            if image.size > MAX_IMAGE_BYTES:
                raise ValidationError("The image is larger than 5 MB.")
            try:
                with Image.open(image) as opened:
                    kind = opened.format
                    opened.verify()
            except (UnidentifiedImageError, OSError) as error:
                raise ValidationError("The file is not an image Townsquare can read (use PNG or JPEG).") from error
            if kind not in {"PNG", "JPEG", "GIF"}:
                raise ValidationError("Use a PNG, JPEG or GIF image.")
            image.seek(0)
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("image") and not data.get("image_alt", "").strip():
            self.add_error("image_alt", "Say what the image shows, for people who cannot see it.")
        policy = self.instance.version.module.policy
        section = data.get("policy_section", "").strip()
        if section and (
            policy is None
            or policy.current_version is None
            or not policy.current_version.sections.filter(title__iexact=section).exists()
        ):
            self.add_error("policy_section", "The policy's current version has no section with that title.")
        return data


class QuestionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A question and up to five answers, each with whether it is correct and its feedback."""

    class Meta:
        model = Question
        fields = ["text", "kind", "revisit"]
        labels = {"text": "Question", "kind": "Type of question", "revisit": "Page to read again after a wrong answer"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}

    def __init__(self, *args: Any, version: ModuleVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.version = version
        self.fields["revisit"].queryset = version.pages.all()  # type: ignore[attr-defined]
        existing = list(self.instance.choices.all()) if self.instance.pk else []
        for i in range(1, CHOICE_ROWS + 1):
            choice = existing[i - 1] if i <= len(existing) else None
            self.fields[f"answer_{i}"] = forms.CharField(
                label=f"Answer {i}", required=False, max_length=300, initial=choice.text if choice else ""
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=f"Answer {i} is correct", required=False, initial=choice.correct if choice else False
            )
            self.fields[f"feedback_{i}"] = forms.CharField(
                label=f"Feedback for answer {i}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=choice.feedback if choice else "",
            )

    def choice_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "text": self.cleaned_data.get(f"answer_{i}", ""),
                "correct": self.cleaned_data.get(f"correct_{i}"),
                "feedback": self.cleaned_data.get(f"feedback_{i}", ""),
            }
            for i in range(1, CHOICE_ROWS + 1)
        ]


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label="What changed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to people asked to take it again.",
    )
    requires_retake = forms.BooleanField(
        label="Everyone who passed an earlier version must take this one",
        required=False,
        help_text="For example when a new version of the policy changes what people must do.",
    )
    retake_by = forms.DateField(
        label="Take it again by", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("requires_retake") and not data.get("retake_by"):
            self.add_error("retake_by", "Give the date by which people must take it again.")
        return data


class ImportForm(forms.Form):
    report = forms.FileField(
        label="The learning system's CSV report",
        help_text="Columns: email, module, status, score and completed on. The first row names the columns.",
    )
