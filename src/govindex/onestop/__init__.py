"""One-stop service delivery: dossier records to the Decision 766 index and counter KPIs."""
