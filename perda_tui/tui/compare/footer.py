"""A footer rebuilt once for all the binding changes that arrive within one frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class CoalescedFooter(Footer):
    """Textual's `Footer`, whose rebuild (a new widget per key, each restyled: 35-75 ms of
    the UI thread with the compare screen's keys) is queued once however often the
    screen's bindings change before it runs. A screen being shown announces three changes
    in a row (resume, focus, idle), which Textual's footer answers with three rebuilds.

    Overrides `Footer.bindings_changed`, public but undocumented (the screen's
    `bindings_updated_signal` calls it); `tests/tui/test_compare.py::
    test_footer_is_rebuilt_once_for_changes_in_one_frame` catches a change of it.
    """

    _rebuild_queued = False

    def bindings_changed(self, screen: Screen) -> None:
        if not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen) -> None:
        self._rebuild_queued = False
        super().bindings_changed(screen)
