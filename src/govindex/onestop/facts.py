"""The one definition of every per-dossier and per-petition fact, as SQL text.

Each row of the fact query is one record in one period, "as of" the end of that period: a
status reached after the period's end is not yet known, so a closed period's snapshot never
changes when later events arrive (a dossier pending within its due date at the end of March is
on time in March and may be late in April). The text is written once, in DuckDB's dialect,
using only portable SQL (CASE, COALESCE, LEAST, FLOOR, joins); the Spark engine runs the same
text transpiled by sqlglot. Times are local seconds (see :mod:`govindex.onestop.records`), so
a local date is ``FLOOR(t / 86400)``.

Rules (§1.4 of the portal's formula description, profile ``qd766-dvcqg``):

* scope of 2.1: received (status not 1 or 3) by the end of the period and not finished before
  its start;
* finish: the first reached of processed (9) > returned (10) > stopped (8) / rejected /
  withdrawn after reception (7);
* a single supplement request the citizen has not answered stops the clock at the request; a
  second request makes the dossier overdue; an answered request's pause is subtracted;
* not finished: the clock runs to the end of the period (or the ``as of`` time);
* processing time (2.2, the average-days KPI): working days from reception to completion,
  less the working days the dossier waited for the citizen's answered supplement;
* on time iff the local date of the effective end ≤ the local date of the due time;
* the due time is the first appointment synced: an apology letter with a new appointment does
  not exempt the dossier (766 has no such exemption); ``due_rewritten`` flags a source that
  rewrote its NgayHenTra, for audit.

Examples
--------
>>> "on_time" in FACT_COLUMNS["dossiers"]
True
>>> dossier_facts_sql().startswith("WITH")
True
"""

from __future__ import annotations

__all__ = [
    "AS_OF_STAMPS",
    "FACT_COLUMNS",
    "dossier_facts_sql",
    "petition_facts_sql",
    "publication_facts_sql",
]

_DAY = "86400"

#: Boolean or numeric columns every profile expression may use, by record source.
FACT_COLUMNS: dict[str, frozenset[str]] = {
    "dossiers": frozenset(
        {
            "in_scope",
            "received_in_period",
            "completed_in_period",
            "finished",
            "on_time",
            "early",
            "late",
            "overdue_pending",
            "days_overdue",
            "online",
            "postal",
            "direct",
            "returned_by_post",
            "requires_paper_result",
            "has_e_result",
            "fee_bearing",
            "has_nonzero_fee",
            "paid_online",
            "paid_noncash",
            "has_digitized_components",
            "reused",
            "from_citizen_repository",
            "citizen_data",
            "synced",
            "has_petition",
            "disliked",
            "online_level",
            "has_online_service",
            "citizen_subject",
            "processing_working_days",
            "due_computed",
            "no_due_date",
            "due_rewritten",
        }
    ),
    "petitions": frozenset(
        {
            "petition_in_scope",
            "petition_received_in_period",
            "petition_on_time",
            "petition_satisfied",
        }
    ),
    "publications": frozenset(
        {
            "decided_in_period",
            "published_on_time",
            "publicised_on_time",
            "public_at_end",
            "content_complete",
        }
    ),
}


#: The dossier time stamps the facts read "as of" a period's end (a stamp after it is not
#: yet known then). An incremental refresh watches these, with ``received_at``.
AS_OF_STAMPS = (
    "processed_at",
    "returned_at",
    "stopped_at",
    "rejected_at",
    "withdrawn_at",
    "supplement_requested_at",
    "supplement_returned_at",
    "supplement_second_requested_at",
    "synced_to_portal_at",
)


def _asof(column: str) -> str:
    return f"CASE WHEN d.{column} <= p.end_s THEN d.{column} END AS {column}"


def dossier_facts_sql(*, remap_legacy_districts: bool = False, dossiers: str = "dossiers") -> str:
    """The fact query over tables ``dossiers``, ``procedures``, ``agencies``, ``petitions``,
    ``ratings`` and ``periods`` (period_id, start_s, end_s): one row per dossier × period.

    ``remap_legacy_districts`` credits dossiers of an abolished district to its successor;
    ``dossiers`` names the table of dossier records read (an incremental refresh passes the
    few it recomputes). Each record's rows depend on that record alone (and on the petitions
    and ratings naming its code), so the facts of a subset are the full facts' rows of it.
    """
    agency = (
        "CASE WHEN a.level = 'legacy_district' AND a.successor_id IS NOT NULL "
        "THEN a.successor_id ELSE d.agency_id END"
        if remap_legacy_districts
        else "d.agency_id"
    )
    # The agency tree is only needed to credit a legacy district's successor.
    successors = (
        "LEFT JOIN agencies a ON a.agency_id = d.agency_id\n" if remap_legacy_districts else ""
    )
    stamped = ",\n    ".join(_asof(column) for column in AS_OF_STAMPS)
    # Everything that does not depend on the period is derived once per dossier (the
    # procedure, petition and rating look-ups included); only the "as of" stamps and the
    # period test are evaluated per dossier × period, against the few-row periods table.
    return f"""WITH petitioned AS (
  SELECT dossier_code, MIN(received_at) AS first_petition_at
  FROM petitions WHERE dossier_code IS NOT NULL GROUP BY dossier_code
), dislikes AS (
  SELECT dossier_code, MIN(rated_at) AS first_dislike_at
  FROM ratings WHERE dossier_code IS NOT NULL AND level <= 2 GROUP BY dossier_code
), per_dossier AS (
  SELECT
    d.dossier_code, d.province_code, {agency} AS agency_id, d.procedure_code,
    d.received_at, d.due_source,
    COALESCE(d.due_at_original, d.due_at) AS due_at,
    COALESCE(d.due_at_original <> d.due_at, FALSE) AS due_rewritten,
    COALESCE(d.channel, 1) AS channel_code, d.result_return_method,
    COALESCE(d.has_e_result, FALSE) AS has_e_result,
    COALESCE(d.has_digitized_components, FALSE) AS has_digitized_components,
    COALESCE(d.reused_components, 0) AS reused_components,
    COALESCE(d.from_citizen_repository, FALSE) AS from_citizen_repository,
    COALESCE(d.vneid_authenticated, FALSE) AS vneid_authenticated,
    COALESCE(d.population_db, FALSE) AS population_db,
    COALESCE(d.fee_total, 0) AS fee_total, COALESCE(d.paid_online, 0) AS paid_online_code,
    COALESCE(d.paid_noncash, FALSE) AS paid_noncash,
    d.processing_working_days, d.supplement_pause_working_days,
    COALESCE(c.requires_paper_result, FALSE) AS requires_paper_result,
    COALESCE(c.fee_bearing, FALSE) AS fee_bearing,
    COALESCE(c.online_level, 'none') AS online_level,
    COALESCE(c.has_online_service, FALSE) AS has_online_service,
    COALESCE(c.citizen_subject, FALSE) AS citizen_subject,
    pe.first_petition_at, di.first_dislike_at,
    d.processed_at, d.returned_at, d.stopped_at, d.rejected_at, d.withdrawn_at,
    d.supplement_requested_at, d.supplement_returned_at, d.supplement_second_requested_at,
    d.synced_to_portal_at,
    COALESCE(d.processed_at, d.returned_at, LEAST(d.stopped_at, d.rejected_at, d.withdrawn_at))
      AS recorded_finish_at
  FROM {dossiers} d
  LEFT JOIN procedures c ON c.procedure_code = d.procedure_code
  {successors}  LEFT JOIN petitioned pe ON pe.dossier_code = d.dossier_code
  LEFT JOIN dislikes di ON di.dossier_code = d.dossier_code
  WHERE d.received_at IS NOT NULL AND d.status NOT IN (1, 3)
), as_of_period AS (
  SELECT
    d.dossier_code, d.province_code, d.agency_id, d.procedure_code,
    p.period_id, p.start_s, p.end_s, d.received_at, d.due_source, d.due_at, d.due_rewritten,
    d.channel_code, d.result_return_method, d.has_e_result, d.has_digitized_components,
    d.reused_components, d.from_citizen_repository, d.vneid_authenticated, d.population_db,
    d.fee_total, d.paid_online_code, d.paid_noncash,
    d.processing_working_days, d.supplement_pause_working_days,
    d.requires_paper_result, d.fee_bearing, d.online_level, d.has_online_service,
    d.citizen_subject,
    COALESCE(d.first_petition_at <= p.end_s, FALSE) AS has_petition,
    COALESCE(d.first_dislike_at <= p.end_s, FALSE) AS disliked,
    {stamped}
  FROM per_dossier d
  JOIN periods p ON d.received_at <= p.end_s
    -- A dossier whose recorded finish precedes the period is out of it whatever the as-of
    -- view of the period shows (that finish is known by then): skip it at the join.
    AND NOT COALESCE(d.recorded_finish_at < p.start_s, FALSE)
), finishing AS (
  SELECT *,
    COALESCE(processed_at, returned_at, LEAST(stopped_at, rejected_at, withdrawn_at)) AS finished_at,
    COALESCE(processed_at, returned_at) AS completed_at,
    supplement_second_requested_at IS NOT NULL AS repeated_supplement,
    CASE WHEN supplement_returned_at IS NOT NULL
      THEN supplement_returned_at - supplement_requested_at ELSE 0 END AS pause_s
  FROM as_of_period
), ended AS (
  SELECT *,
    CASE
      WHEN finished_at IS NOT NULL THEN finished_at
      WHEN supplement_requested_at IS NOT NULL AND supplement_returned_at IS NULL
        THEN supplement_requested_at
      ELSE end_s
    END - pause_s AS effective_end_at
  FROM finishing
  WHERE finished_at IS NULL OR finished_at >= start_s
), judged AS (
  SELECT *,
    NOT repeated_supplement AND due_at IS NOT NULL
      AND FLOOR(effective_end_at / {_DAY}) <= FLOOR(due_at / {_DAY}) AS on_time_flag
  FROM ended
)
SELECT
  dossier_code, province_code, agency_id, procedure_code, period_id,
  TRUE AS in_scope,
  received_at >= start_s AS received_in_period,
  COALESCE(completed_at >= start_s, FALSE) AS completed_in_period,
  finished_at IS NOT NULL AS finished,
  on_time_flag AS on_time,
  on_time_flag AND finished_at IS NOT NULL
    AND FLOOR(effective_end_at / {_DAY}) < FLOOR(due_at / {_DAY}) AS early,
  NOT on_time_flag AS late,
  NOT on_time_flag AND finished_at IS NULL AS overdue_pending,
  CASE WHEN NOT on_time_flag AND finished_at IS NULL AND due_at IS NOT NULL
    THEN FLOOR(end_s / {_DAY}) - FLOOR(due_at / {_DAY}) ELSE 0 END AS days_overdue,
  channel_code = 2 AS online,
  channel_code = 3 AS postal,
  channel_code = 1 AS direct,
  COALESCE(completed_at >= start_s, FALSE) AND COALESCE(result_return_method = 'postal', FALSE)
    AS returned_by_post,
  requires_paper_result, has_e_result, fee_bearing,
  fee_total > 0 AS has_nonzero_fee,
  paid_online_code IN (1, 2) AS paid_online,
  paid_noncash, has_digitized_components,
  reused_components > 0 AS reused,
  from_citizen_repository,
  vneid_authenticated OR population_db OR from_citizen_repository AS citizen_data,
  synced_to_portal_at IS NOT NULL AS synced,
  has_petition, disliked, online_level, has_online_service, citizen_subject,
  CASE WHEN COALESCE(completed_at >= start_s, FALSE) THEN processing_working_days - CASE
      WHEN supplement_returned_at <= completed_at
        THEN COALESCE(supplement_pause_working_days, 0) ELSE 0 END
  END AS processing_working_days,
  COALESCE(due_source = 'computed', FALSE) AS due_computed,
  due_at IS NULL AS no_due_date,
  due_rewritten
FROM judged"""


def petition_facts_sql() -> str:
    """The fact query over ``petitions`` and ``periods``: one row per petition × period.

    Examples
    --------
    >>> "petition_on_time" in petition_facts_sql()
    True
    """
    return f"""WITH as_of_period AS (
  SELECT
    t.petition_id, t.province_code, t.agency_id, CAST(NULL AS VARCHAR) AS procedure_code,
    p.period_id, p.start_s, p.end_s, t.received_at, t.due_at,
    CASE WHEN t.handled_at <= p.end_s THEN t.handled_at END AS handled_at,
    COALESCE(t.likes, 0) AS likes, COALESCE(t.dislikes, 0) AS dislikes,
    COALESCE(t.recomplained, FALSE) AS recomplained
  FROM petitions t
  JOIN periods p ON t.received_at <= p.end_s
), judged AS (
  SELECT *,
    due_at IS NOT NULL AND FLOOR(COALESCE(handled_at, end_s) / {_DAY}) <= FLOOR(due_at / {_DAY})
      AS on_time_flag
  FROM as_of_period
  WHERE handled_at IS NULL OR handled_at >= start_s OR received_at >= start_s
)
SELECT
  petition_id AS dossier_code, province_code, agency_id, procedure_code, period_id,
  TRUE AS petition_in_scope,
  received_at >= start_s AS petition_received_in_period,
  on_time_flag AS petition_on_time,
  on_time_flag AND dislikes <= likes AND NOT recomplained AS petition_satisfied
FROM judged"""


def publication_facts_sql() -> str:
    """The fact query over ``publications`` and ``periods``: one row per publication decision
    × period (as of the period's end), with the procedure-level flags of indicators 1.1–1.3.

    * 1.1: a procedure with a decision in the period is on time only if *every* decision of
      the period was made by its ``publish_by_day`` ("any late instance ⇒ the whole period
      late"; one procedure counted once per province);
    * 1.2: likewise for being made public by ``publicise_by_day``; a decision not yet made
      public at the period's end is on time while its deadline has not passed (the rule of
      pending dossiers and petitions);
    * 1.3: point in time — the procedure's latest decision by the period's end is public and
      not an abolition; complete when it shows all 7 contents (Decree 63/2010 Art. 8(2)).

    Examples
    --------
    >>> "published_on_time" in publication_facts_sql()
    True
    """
    return f"""WITH as_of_period AS (
  SELECT
    u.publication_id, u.province_code, u.agency_id, u.procedure_code,
    p.period_id, p.start_s, p.end_s, u.decided_at, u.publish_by_day, u.publicise_by_day,
    COALESCE(u.action, 'add') AS action,
    CASE WHEN u.publicised_at <= p.end_s THEN u.publicised_at END AS publicised_at,
    COALESCE(u.components_published, 0) AS components_published
  FROM publications u
  JOIN periods p ON u.decided_at <= p.end_s
), flagged AS (
  SELECT *,
    decided_at >= start_s AS decided_in_period,
    COALESCE(FLOOR(decided_at / {_DAY}) <= publish_by_day, FALSE) AS decided_on_time,
    COALESCE(
      FLOOR(COALESCE(publicised_at, end_s) / {_DAY}) <= publicise_by_day, FALSE
    ) AS made_public_on_time,
    ROW_NUMBER() OVER (
      PARTITION BY period_id, province_code, procedure_code
      ORDER BY decided_at DESC, publication_id DESC
    ) AS recency
  FROM as_of_period
), judged AS (
  SELECT *,
    MIN(CASE WHEN decided_in_period THEN CASE WHEN decided_on_time THEN 1 ELSE 0 END END) OVER (
      PARTITION BY period_id, province_code, procedure_code
    ) AS every_decision_on_time,
    MIN(CASE WHEN decided_in_period THEN CASE WHEN made_public_on_time THEN 1 ELSE 0 END END)
      OVER (PARTITION BY period_id, province_code, procedure_code) AS every_publicity_on_time
  FROM flagged
)
SELECT
  publication_id AS dossier_code, province_code, agency_id, procedure_code, period_id,
  decided_in_period,
  decided_in_period AND every_decision_on_time = 1 AS published_on_time,
  decided_in_period AND every_publicity_on_time = 1 AS publicised_on_time,
  recency = 1 AND action <> 'abolish' AND publicised_at IS NOT NULL AS public_at_end,
  components_published >= 7 AS content_complete
FROM judged"""
