"""Qt-aware services the screens use but that are not screens themselves (docs/ARCHITECTURE.md §2):
live sharing (:mod:`.live_share`), sharing a finished interview from the report
(:mod:`.sharing`), the offer to resume an interrupted interview (:mod:`.recovery`), pushing the
sync outbox (:mod:`.outbox`), the remembered sign-in (:mod:`.account`) and the live screen's
setup (:mod:`.live_setup`).

They sit below the screens' controllers (``desktop.controllers``) and above the views and
workers: a service never imports a controller; a controller is handed what it needs.
"""
