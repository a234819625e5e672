"""Marks the fixed validation messages of ``api.validate`` for lupdate.

They are made in a layer without Qt and shown by the extend form through ``FieldError.text(self.tr)``
(context ``ExtendForm``): a template is translated, then its ``{placeholders}`` are filled in (a
translation must keep them). Listing them here puts them in the ``.ts`` template. Nothing imports this
module at run time.
"""

from PySide6.QtCore import QT_TRANSLATE_NOOP

VALIDATION_MESSAGES = (
    QT_TRANSLATE_NOOP("ExtendForm", "Describe what should happen next (the prompt is required)"),
    QT_TRANSLATE_NOOP("ExtendForm", "Choose exactly one source: a video from your list or an uploaded file"),
    QT_TRANSLATE_NOOP("ExtendForm", "Choose a video to extend"),
    QT_TRANSLATE_NOOP("ExtendForm", "Duration must be 5 or 8 seconds"),
    QT_TRANSLATE_NOOP("ExtendForm", "Quality must be 360p or 540p"),
    QT_TRANSLATE_NOOP("ExtendForm", "Motion must be normal or fast"),
    QT_TRANSLATE_NOOP("ExtendForm", "Fast motion is only available with a 5-second extension"),
    QT_TRANSLATE_NOOP("ExtendForm", "Style must be anime, 3d_animation, clay or none"),
    QT_TRANSLATE_NOOP("ExtendForm", "Effect template must be one from the effects list"),
    QT_TRANSLATE_NOOP("ExtendForm", "Remove watermark must be on or off"),
    QT_TRANSLATE_NOOP("ExtendForm", "Reply URL must be an http:// or https:// address"),
    QT_TRANSLATE_NOOP("ExtendForm", "Account must be an email address"),
    QT_TRANSLATE_NOOP("ExtendForm", "At most {limit} characters ({count} now)"),
    QT_TRANSLATE_NOOP("ExtendForm", "Seed must be a whole number from {low} to {high}"),
    QT_TRANSLATE_NOOP("ExtendForm", "Max jobs must be from {low} to {high}"),
    QT_TRANSLATE_NOOP("ExtendForm", "Reply URL: at most {limit} characters"),
    QT_TRANSLATE_NOOP("ExtendForm", "Reply reference: at most {limit} characters"),
)
