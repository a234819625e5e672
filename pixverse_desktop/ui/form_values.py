"""The extend form as a plain dict (JSON-friendly), and back: for restoring it on restart and for presets.

Applying is tolerant: unknown keys are ignored, bad values leave the field as it is, and an account or
effect that is not in its list yet (both lists arrive from the network after start-up) is remembered
and selected as soon as it appears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the form imports the preset bar, which imports this module
    from .extend_form import ExtendForm

FORM_KEYS = ("prompt", "negative_prompt", "duration", "quality", "motion_mode", "style", "seed", "seed_random",
             "template_id", "email", "reply_url", "reply_ref", "max_jobs", "remove_watermark", "variations",
             "advanced")
# A preset is the "how", not the "what" or the "who": no prompt, no account, no open/closed state.
PRESET_KEYS = ("negative_prompt", "duration", "quality", "motion_mode", "style", "seed", "seed_random",
               "template_id", "reply_url", "reply_ref", "max_jobs", "remove_watermark", "variations")


def form_values(form: "ExtendForm") -> dict[str, Any]:
    return {
        "prompt": form.prompt.toPlainText(),
        "negative_prompt": form.negative.toPlainText(),
        "duration": form.duration.currentData(),
        "quality": form.quality.currentData(),
        "motion_mode": form.motion.currentData(),
        "style": form.style.currentData(),
        "seed": form.seed.text(),
        "seed_random": form.seed_random.isChecked(),
        "template_id": form.effect.template_id() if form.effect.wanted is None else form.effect.wanted,
        "email": form.account.currentData() if form.wanted_account is None else form.wanted_account,
        "reply_url": form.reply_url.text(),
        "reply_ref": form.reply_ref.text(),
        "max_jobs": form.max_jobs.value(),
        "remove_watermark": form.watermark.isChecked(),
        "variations": form.variations.value(),
        "advanced": form.advanced.isChecked(),
    }


def preset_values(form: "ExtendForm") -> dict[str, Any]:
    values = form_values(form)
    return {k: values[k] for k in PRESET_KEYS}


def _select(box, value) -> bool:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)
    return index >= 0


def _int(value: Any, default: int | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def apply_form_values(form: "ExtendForm", values: dict[str, Any]) -> None:
    """Sets every field named in ``values``; the form's inline errors start fresh afterwards."""
    if not isinstance(values, dict):
        return
    text_fields = {"prompt": form.prompt.setPlainText, "negative_prompt": form.negative.setPlainText,
                   "seed": form.seed.setText, "reply_url": form.reply_url.setText,
                   "reply_ref": form.reply_ref.setText}
    for key, setter in text_fields.items():
        if isinstance(values.get(key), str):
            setter(values[key])
    if _int(values.get("duration"), None) is not None:
        _select(form.duration, _int(values["duration"], None))
    for key, box in (("quality", form.quality), ("motion_mode", form.motion), ("style", form.style)):
        if key in values:
            _select(box, values[key] or None if key == "style" else values[key])
    if "seed_random" in values:
        form.seed_random.setChecked(bool(values["seed_random"]))
    if "template_id" in values:
        wanted = values["template_id"]
        wanted = _int(wanted, 0) or None if wanted is not None else None
        form.effect.wanted = None if _select(form.effect, wanted) else wanted
    if "email" in values:
        email = values["email"] or None
        form.wanted_account = None if _select(form.account, email) else email
    if _int(values.get("max_jobs"), None) is not None:
        form.max_jobs.setValue(_int(values["max_jobs"], 0))
    if "remove_watermark" in values:
        form.watermark.setChecked(bool(values["remove_watermark"]))
    if _int(values.get("variations"), None) is not None:
        form.variations.setValue(max(1, _int(values["variations"], 1)))
    if "advanced" in values:
        form.advanced.setChecked(bool(values["advanced"]))
    form.reset_feedback()


def default_values(settings) -> dict[str, Any]:
    """The parameters a fresh form starts with (Settings → New jobs)."""
    return {"duration": settings.get("default_duration"), "quality": settings.get("default_quality"),
            "motion_mode": settings.get("default_motion"), "style": settings.get("default_style") or None,
            "seed": "", "seed_random": True, "template_id": None, "negative_prompt": "", "reply_url": "",
            "reply_ref": "", "max_jobs": 0, "remove_watermark": True, "variations": 1}
