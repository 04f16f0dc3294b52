"""What every import shares (list entries, credit records): reading CSV/XLSX files safely
(``files``), validating rows (``rows``), COPY inserts (``bulk``), batches run in chunks with their
heartbeat and sweep (``runs``), and the refused-rows report (``report``)."""
