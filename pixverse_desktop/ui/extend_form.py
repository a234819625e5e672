"""The extend form: every field of extend-v3, validated inline as the user types."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget,
)

from pixverse_desktop.api.errors import FieldError
from pixverse_desktop.api.schemas import PROMPT_MAX, SEED_MAX, SEED_MIN, ExtendRequest, parse_video_id
from pixverse_desktop.api.validate import FAST_MOTION_RULE, extend_errors

from .effect_picker import EffectPicker
from .field_errors import FieldErrors, column, error_label
from .scroll_safe import ScrollSafeComboBox, ScrollSafeSpinBox
from .presets import PresetBar
from .video_list_model import SourceItem

# A form-only rule (the API has no "fixed but empty" seed), translated as the validator's are.
SEED_EMPTY = QT_TRANSLATE_NOOP("ExtendForm", "Enter a seed, or tick Random")

FIELDS = ("prompt", "negative_prompt", "source", "duration", "quality", "motion_mode", "style", "seed",
          "template_id", "email", "reply_url", "reply_ref", "max_jobs", "remove_watermark")


class ExtendForm(QWidget):
    RESEND_AFTER_MS = 1000
    extendRequested = Signal(object, int)   # ExtendRequest, number of variations
    edited = Signal()                       # any field changed (the window saves the form, debounced)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._source: SourceItem | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self._external: dict[str, str] = {}   # errors the service reported for the last request
        self.fields = FieldErrors(self.tr)
        self._errors = self.fields.labels
        self.wanted_account: str | None = None   # restored before the accounts list arrived

        title = QLabel(self.tr("Extend"))
        title.setObjectName("CardTitle")
        self.presets = PresetBar()   # hidden until the window binds it to the settings
        title_row = QHBoxLayout()
        title_row.addWidget(title)
        title_row.addStretch(1)
        title_row.addWidget(self.presets)
        self.source_thumb = QLabel()
        self.source_thumb.setFixedSize(96, 54)
        self.source_thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.source_thumb.setAccessibleName(self.tr("Source thumbnail"))
        self.source_thumb.setStyleSheet("background:#2a2a35;border-radius:6px;color:#8a8aa0;")
        self.source_label = QLabel(self.tr("No source chosen: pick a video on the left or add a local one."))
        self.source_label.setWordWrap(True)
        self.source_label.setObjectName("Muted")
        source_row = QHBoxLayout()
        source_row.addWidget(self.source_thumb)
        source_row.addWidget(self.source_label, 1)

        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(self.tr("What happens next? e.g. the camera pulls back to reveal…"))
        self.prompt.setAccessibleName(self.tr("Prompt"))
        self.prompt.setTabChangesFocus(True)
        self.prompt.setFixedHeight(84)
        self.counter = QLabel(f"0/{PROMPT_MAX}")
        self.counter.setObjectName("Muted")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.negative = QPlainTextEdit()
        self.negative.setPlaceholderText(self.tr("What to avoid (optional)"))
        self.negative.setAccessibleName(self.tr("Negative prompt"))
        self.negative.setTabChangesFocus(True)
        self.negative.setFixedHeight(46)

        self.duration = self._combo(self.tr("Duration"), [(self.tr("5 seconds"), 5), (self.tr("8 seconds"), 8)])
        self.quality = self._combo(self.tr("Quality"), [("540p", "540p"), ("360p", "360p")])
        # Two boxes share the "Look" row: their items say which is which ("Normal" beside "None" did not).
        self.motion = self._combo(self.tr("Motion"), [(self.tr("Normal motion"), "normal"),
                                                      (self.tr("Fast motion"), "fast")])
        self.motion.setToolTip(self.tr(FAST_MOTION_RULE))
        self.style = self._combo(self.tr("Style"), [(self.tr("No style"), None), (self.tr("Anime style"), "anime"),
                                                    (self.tr("3D animation style"), "3d_animation"),
                                                    (self.tr("Clay style"), "clay")])
        self.seed = QLineEdit()
        self.seed.setAccessibleName(self.tr("Seed"))
        self.seed.setPlaceholderText(f"{SEED_MIN}…{SEED_MAX}")
        self.seed_random = QCheckBox(self.tr("Random"))
        self.seed_random.setAccessibleName(self.tr("Random seed"))
        self.seed_random.setChecked(True)
        self.seed.setEnabled(False)
        self.seed_random.toggled.connect(lambda on: self.seed.setEnabled(not on))
        seed_row = QWidget()
        seed_layout = QHBoxLayout(seed_row)
        seed_layout.setContentsMargins(0, 0, 0, 0)
        seed_layout.addWidget(self.seed, 1)
        seed_layout.addWidget(self.seed_random)
        self.effect = EffectPicker()
        self.account = self._combo(self.tr("Account"), [(self.tr("Any account"), None)])

        self.advanced = QToolButton()
        self.advanced.setObjectName("Disclosure")
        self.advanced.setText(self.tr("Advanced"))
        self.advanced.setCheckable(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setAccessibleName(self.tr("Show advanced settings"))
        self.reply_url = QLineEdit()
        self.reply_url.setPlaceholderText("https://example.com/callback")
        self.reply_url.setAccessibleName(self.tr("Reply URL"))
        self.reply_ref = QLineEdit()
        self.reply_ref.setAccessibleName(self.tr("Reply reference"))
        self.max_jobs = ScrollSafeSpinBox()
        self.max_jobs.setRange(0, 8)
        self.max_jobs.setSpecialValueText(self.tr("Account default"))
        self.max_jobs.setAccessibleName(self.tr("Max jobs"))
        self.watermark = QCheckBox(self.tr("Remove watermark"))
        self.watermark.setChecked(True)
        self.watermark.setAccessibleName(self.tr("Remove watermark"))
        self._advanced_body = QWidget()
        adv = QFormLayout(self._advanced_body)
        adv.setContentsMargins(0, 0, 0, 0)
        self.fields.add(adv, self.tr("Reply URL"), self.reply_url, "reply_url")
        self.fields.add(adv, self.tr("Reply ref"), self.reply_ref, "reply_ref")
        self.fields.add(adv, self.tr("Max jobs"), self.max_jobs, "max_jobs")
        self.fields.add(adv, "", self.watermark, "remove_watermark")
        self.advanced.toggled.connect(self._toggle_advanced)
        self._advanced_body.setVisible(False)

        self.variations = ScrollSafeSpinBox()
        self.variations.setRange(1, 8)
        self.variations.setPrefix(self.tr("Variations: "))
        self.variations.setAccessibleName(self.tr("Number of variations"))
        self.variations.setToolTip(self.tr("Submit several jobs at once, each with its own seed: random "
                                           "ones, or with a fixed seed that seed and the ones after it"))
        self.extend_button = QPushButton(self.tr("Extend"))
        self.extend_button.setObjectName("Primary")
        self.extend_button.setAccessibleName(self.tr("Extend"))
        self.extend_button.setToolTip(self.tr("Extend the source video (Ctrl+Enter)"))
        self.extend_button.clicked.connect(self.trigger_extend)
        # The same request again within a moment of a send (a double-click, a repeated Ctrl+Enter) is
        # not a second job: it was charged twice (new-user pass). The button says "Sent" meanwhile; any
        # change to the form makes it a new request, sent at once.
        self._last_sent: tuple[ExtendRequest, int] | None = None
        self._just_sent = QTimer(self)
        self._just_sent.setSingleShot(True)
        self._just_sent.setInterval(self.RESEND_AFTER_MS)
        self._just_sent.timeout.connect(self.validate)
        self.reason = QLabel()
        self.reason.setObjectName("Reason")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setObjectName("FieldError")
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields.add(form, self.tr("Prompt"), column(self.prompt, self.counter)[0], "prompt")
        self.fields.add(form, self.tr("Negative"), self.negative, "negative_prompt")
        length = self.fields.pair(self.duration, "duration", self.quality, "quality")
        self.fields.add(form, self.tr("Length"), length, "")
        self.fields.add(form, self.tr("Look"), self.fields.pair(self.motion, "motion_mode", self.style, "style"), "")
        self.fields.add(form, self.tr("Seed"), seed_row, "seed")
        self.fields.add(form, self.tr("Effect"), self.effect, "template_id")
        # A note, not an error: whether another account may extend a video is not documented.
        self.account_note = QLabel()
        self.account_note.setObjectName("Reason")
        self.account_note.setWordWrap(True)
        self.account_note.setVisible(False)
        self.fields.add(form, self.tr("Account"), column(self.account, self.account_note)[0], "email")
        self._errors["source"] = error_label()

        fields = QWidget()
        fields_layout = QVBoxLayout(fields)
        fields_layout.setContentsMargins(0, 0, 6, 0)
        fields_layout.addLayout(source_row)
        fields_layout.addWidget(self._errors["source"])
        fields_layout.addLayout(form)
        fields_layout.addWidget(self.advanced)
        fields_layout.addWidget(self._advanced_body)
        fields_layout.addStretch(1)
        self.fields_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # its fields take the focus; it scrolls to them
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(fields)
        actions = QHBoxLayout()
        actions.addWidget(self.variations)
        actions.addStretch(1)
        actions.addWidget(self.extend_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(title_row)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        layout.addWidget(self.reason)
        # Two lines kept for the reason, which is one or two long: the Extend row above it no longer
        # jumps as the reason changes while typing.
        self.reason.setMinimumHeight(2 * self.reason.fontMetrics().lineSpacing())

        watch = [(self.prompt.textChanged, "prompt"), (self.negative.textChanged, "negative_prompt"),
                 (self.duration.currentIndexChanged, "duration"), (self.quality.currentIndexChanged, "quality"),
                 (self.motion.currentIndexChanged, "motion_mode"), (self.style.currentIndexChanged, "style"),
                 (self.seed.textChanged, "seed"), (self.seed_random.toggled, "seed"),
                 (self.effect.currentIndexChanged, "template_id"), (self.account.currentIndexChanged, "email"),
                 (self.reply_url.textChanged, "reply_url"), (self.reply_ref.textChanged, "reply_ref"),
                 (self.max_jobs.valueChanged, "max_jobs"), (self.watermark.toggled, "remove_watermark"),
                 (self.variations.valueChanged, None)]
        for signal, name in watch:
            signal.connect(lambda *_a, n=name: self._edited(n))
        self.edited.connect(self.presets.form_edited)
        order = [self.presets.combo, self.presets.save_button, self.prompt, self.negative, self.duration,
                 self.quality, self.motion, self.style, self.seed, self.seed_random, self.effect, self.account, self.advanced, self.reply_url, self.reply_ref,
                 self.max_jobs, self.watermark, self.variations, self.extend_button]
        self.tab_chain = order
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self.validate()

    # -- building blocks ------------------------------------------------------------------------

    def _combo(self, name: str, items) -> QComboBox:
        box = ScrollSafeComboBox()
        box.setAccessibleName(name)
        for text, value in items:
            box.addItem(text, value)
        return box

    def _toggle_advanced(self, on: bool) -> None:
        self._advanced_body.setVisible(on)
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    # -- state ----------------------------------------------------------------------------------

    def set_source(self, item: SourceItem | None, image: QImage | None = None) -> None:
        self._source = item
        if item is None:
            self.source_label.setText(self.tr("No source chosen: pick a video on the left or add a local one."))
            self.source_thumb.clear()
        else:
            kind = self.tr("Uploaded file") if item.video is None else self.tr("Video")
            text = item.title if len(item.title) < 90 else item.title[:87] + "…"
            self.source_label.setText(f"<b>{kind}</b><br>{text}")
            self.set_source_image(image)
        self._external.pop("source", None)
        self.message.setVisible(False)   # the service's word on the previous source's job
        self.validate()

    def set_source_image(self, image: QImage | None) -> None:
        if image is not None and not image.isNull():
            self.source_thumb.setPixmap(QPixmap.fromImage(image).scaled(
                self.source_thumb.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.source_thumb.setText("▶")

    @property
    def source(self) -> SourceItem | None:
        return self._source

    def set_accounts(self, emails: list[str]) -> None:
        current = self.wanted_account or self.account.currentData()
        if self.wanted_account in emails:
            self.wanted_account = None
        self.account.blockSignals(True)
        while self.account.count() > 1:
            self.account.removeItem(1)
        for email in emails:
            self.account.addItem(email, email)
        index = self.account.findData(current)
        self.account.setCurrentIndex(max(0, index))
        self.account.blockSignals(False)

    def _seed_value(self) -> int | None:
        """None for a random seed; an unreadable one is -1, which validation refuses. Only plain
        digits are a seed: Python's int() also reads "4_2" and "+42", which are typing slips."""
        if self.seed_random.isChecked():
            return None
        text = self.seed.text().strip()
        return int(text) if text.isascii() and text.isdigit() else -1

    def request(self) -> ExtendRequest:
        source = self._source
        negative = self.negative.toPlainText()
        return ExtendRequest(
            prompt=self.prompt.toPlainText(),
            video_id=source.video.video_id if source is not None and source.video is not None else None,
            video_path=source.upload_path if source is not None and source.video is None else None,
            email=self.account.currentData(),
            negative_prompt=negative or None,
            template_id=self.effect.template_id(),
            duration=self.duration.currentData(),
            quality=self.quality.currentData(),
            motion_mode=self.motion.currentData(),
            style=self.style.currentData(),
            seed=self._seed_value(),
            remove_watermark=self.watermark.isChecked(),
            reply_url=self.reply_url.text().strip() or None,
            reply_ref=self.reply_ref.text() or None,
            max_jobs=self.max_jobs.value() or None,
        )

    def load_request(self, req: ExtendRequest) -> None:
        """Fills the fields from a request (the source is set separately)."""
        self.prompt.setPlainText(req.prompt)
        self.negative.setPlainText(req.negative_prompt or "")
        for box, value in ((self.duration, req.duration), (self.quality, req.quality),
                           (self.motion, req.motion_mode), (self.style, req.style), (self.account, req.email)):
            box.setCurrentIndex(max(0, box.findData(value)))
        self.effect.select(req.template_id)
        self.seed_random.setChecked(req.seed is None)
        self.seed.setText("" if req.seed is None else str(req.seed))
        self.reply_url.setText(req.reply_url or "")
        self.reply_ref.setText(req.reply_ref or "")
        self.max_jobs.setValue(req.max_jobs or 0)
        self.watermark.setChecked(req.remove_watermark is not False)
        if req.reply_url or req.reply_ref or req.max_jobs:
            self.advanced.setChecked(True)

    # -- validation -----------------------------------------------------------------------------

    def reset_feedback(self) -> None:
        """Values were filled in by the app (restore, preset): no field counts as touched by the user."""
        self._touched.clear()
        self._show_all = False
        self._external.clear()
        self.validate()

    def _edited(self, name: str | None) -> None:
        if name == "email":
            self.wanted_account = None   # the user chose: forget the remembered account
        if name:
            self._touched.add(name)
            if name == "duration":
                self._touched.add("motion_mode")
            self._external.pop(name, None)
        self.message.setVisible(False)
        self.validate()
        self.edited.emit()

    def errors(self) -> list[FieldError]:
        errors = extend_errors(self.request())
        if not self.seed_random.isChecked() and not self.seed.text().strip():
            # An empty fixed seed had silently sent a random one.
            errors = [e for e in errors if e.field != "seed"] + [FieldError.of("seed", SEED_EMPTY)]
        return errors

    def _update_account_note(self) -> None:
        """A video of one account sent with another chosen: said, since PixVerse keeps each
        account's videos to that account (a new user did so unwarned)."""
        chosen = self.account.currentData()
        video = self._source.video if self._source is not None else None
        parsed = parse_video_id(video.video_id) if video is not None else None
        owner = parsed[1] if parsed else None
        mismatch = bool(chosen and owner and chosen != owner)
        self.account_note.setText(self.tr("This video belongs to %s; %s may not be able to extend it.")
                                  % (owner, chosen) if mismatch else "")
        self.account_note.setVisible(mismatch)

    def validate(self) -> bool:
        self._update_account_note()
        errors = {e.field: e.text(self.tr) for e in reversed(self.errors())}
        length = len(self.prompt.toPlainText())
        self.counter.setText(f"{length}/{PROMPT_MAX}")
        self.counter.setStyleSheet("color:#e5484d;" if length > PROMPT_MAX else "")
        for name, label in self._errors.items():
            text = self._external.get(name) or (errors.get(name) if name != "source" and (
                self._show_all or name in self._touched) else "")
            label.setText(text or "")
            label.setVisible(bool(text))
        self.prompt.setProperty("invalid", "prompt" in errors and "prompt" in self._touched)
        self.prompt.style().polish(self.prompt)
        n = self.variations.value()
        valid = not errors
        sent = valid and self._just_sent.isActive() and self._last_sent == (self.request(), n)
        self.extend_button.setText(self.tr("Sent") if sent else
                                   self.tr("Extend") if n == 1 else self.tr("Extend ×%d") % n)
        self.extend_button.setEnabled(valid and not sent)
        if valid:
            self.reason.setText(self.tr("Ready. Ctrl+Enter extends."))
        else:
            field, first = ("source", errors["source"]) if "source" in errors else next(iter(errors.items()))
            first = self.fields.named(field, first)
            self.reason.setText(self.tr("Can't extend yet: %s.") % first.rstrip("."))
        return valid

    def show_field_errors(self, errors: list[FieldError], message: str = "") -> None:
        """Errors found when submitting (or reported by the service) go next to their fields."""
        self._external = {e.field: e.text(self.tr) for e in errors if e.field in self._errors}
        self._show_all = True
        self.validate()
        if message:
            self.show_message(message)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def trigger_extend(self) -> None:
        self._show_all = True
        if self.validate():
            sending = (self.request(), self.variations.value())
            if self._just_sent.isActive() and sending == self._last_sent:
                return
            self._last_sent = sending
            self._just_sent.start()
            self.extendRequested.emit(*sending)
            self.validate()
            return
        # The first error in sight: below the fold, only the reason line said it.
        shown = [label for label in self._errors.values() if not label.isHidden()]
        if shown:
            first = min(shown, key=lambda label: label.mapTo(self, label.rect().topLeft()).y())
            self.fields_area.ensureWidgetVisible(first)

    def focus_prompt(self) -> None:
        """Into the prompt, at the end of what is there (a restored prompt is continued)."""
        self.prompt.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.prompt.moveCursor(QTextCursor.MoveOperation.End)
        # Focus alone does not scroll the form: with it scrolled down, the typing went out of sight.
        self.fields_area.ensureWidgetVisible(self.prompt)
