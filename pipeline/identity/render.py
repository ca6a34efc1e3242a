"""Rich tables for `oneid explain` and `oneid evaluate`: identifiers masked, never raw."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pipeline.identity.evaluate import Evaluation
from pipeline.identity.explain import Chain, Explanation, Identifier, Link, SourceRecord


def evaluation_table(evaluation: Evaluation) -> Table:
    table = Table(title="OneIDs against the generator's truth", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("over")
    rows = [
        ("pairwise precision", f"{evaluation.pairwise_precision:.4f}", f"{evaluation.predicted_pairs:,} pairs sharing a OneID"),
        ("pairwise recall", f"{evaluation.pairwise_recall:.4f}", f"{evaluation.true_pairs:,} pairs of one person"),
        ("pairwise F1", f"{evaluation.pairwise_f1:.4f}", ""),
        ("recall ceiling", f"{evaluation.recall_ceiling:.4f}", f"{evaluation.linkable_pairs:,} pairs some record chain links"),
        ("B-cubed precision", f"{evaluation.bcubed_precision:.4f}", f"{evaluation.scored_identifiers:,} identifiers"),
        ("B-cubed recall", f"{evaluation.bcubed_recall:.4f}", ""),
        ("B-cubed F1", f"{evaluation.bcubed_f1:.4f}", ""),
        ("over-merged OneIDs", f"{evaluation.over_merged_oneids:,}", f"of {evaluation.oneids:,} OneIDs"),
        ("over-merged persons", f"{evaluation.over_merged_persons:,}", f"of {evaluation.persons:,} persons"),
        ("split persons", f"{evaluation.split_persons:,}", "identifiers in more than one OneID"),
        ("left out: several owners", f"{evaluation.multi_owner_identifiers:,}", "family devices, recycled numbers"),
        ("left out: no owner", f"{evaluation.unknown_identifiers:,}", "not in the truth"),
    ]  # fmt: skip
    for row in rows:
        table.add_row(*row)
    return table


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _name(identifier: Identifier) -> str:
    return f"{identifier.id_type}:{identifier.namespace}:{identifier.masked}"


def _record(record: SourceRecord) -> str:
    where = f"{record.file_path}:{record.file_line}" if record.file_path else "(no file)"
    return f"{record.source_name} {record.record_key} @ {where} ({_when(record.observed_at)})"


def explanation_renderables(explanation: Explanation) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if explanation.oneid:
        parts.append(Text.assemble(
            (explanation.oneid, "bold"),
            f" · {len(explanation.identifiers)} identifiers · OneID since {explanation.oneid_created_on}",
        ))  # fmt: skip
        parts.append(_identifiers_table(explanation.identifiers))
    for refusal in explanation.refusals:
        parts.append(Text.assemble(
            (refusal.kind, "bold yellow"),
            f" {refusal.id_type}:{refusal.namespace or '-'}:{refusal.masked} ({refusal.reason}): {refusal.detail}",
        ))  # fmt: skip
        parts += [Text(f"    {_record(record)}") for record in refusal.records]
    if explanation.chains:
        parts.append(_chains_table(explanation.chains))
    if explanation.cut_links:
        cuts = Table(title="links cut around this person", show_header=True)
        for column in ("identifier", "other identifier", "other OneID", "reason", "detail", "records"):
            cuts.add_column(column)
        for cut in explanation.cut_links:
            cuts.add_row(_name(cut.inside), _name(cut.outside), cut.outside.oneid or "(hub)", cut.reason, cut.detail, str(cut.record_count))
        parts.append(cuts)
    if explanation.changes:
        changes = Table(title="OneID history", show_header=True)
        for column in ("night", "kind", "old", "new", "cause", "identifiers"):
            changes.add_column(column)
        for change in explanation.changes:
            changes.add_row(str(change.changed_on), change.change_kind, change.old_oneid or "", change.new_oneid or "",
                            change.cause, str(change.identifiers_moved))  # fmt: skip
        parts.append(changes)
    return parts


def _identifiers_table(identifiers: list[Identifier]) -> Table:
    table = Table(show_header=True)
    for column in ("identifier", "hash", "first seen", "last seen", "records", "sources"):
        table.add_column(column)
    for identifier in identifiers:
        table.add_row(_name(identifier), identifier.identifier_hash[:12] + "…", _when(identifier.first_seen_at),
                      _when(identifier.last_seen_at), str(identifier.record_count), identifier.sources)  # fmt: skip
    return table


def _chains_table(chains: list[Chain]) -> Table:
    table = Table(title="chains of links", show_header=True, show_lines=True)
    for column in ("from", "to", "links and the records that assert them"):
        table.add_column(column)
    for chain in chains:
        if not chain.is_connected:
            steps: RenderableType = Text("no record links them, even through other identifiers")
        else:
            steps = Group(*[_step(link) for link in chain.links])
        table.add_row(_name(chain.start), _name(chain.end), steps)
    return table


def _step(link: Link) -> RenderableType:
    head = f"{_name(link.from_identifier)} — {_name(link.to_identifier)}: "
    if link.is_must_link and not link.record_count:
        head += "must-link override"
    else:
        head += f"{link.record_count} record(s), {_when(link.first_seen_at)} .. {_when(link.last_seen_at)}, {link.sources}"
    if link.cut_reason:
        head += f"  [CUT: {link.cut_reason}: {link.cut_detail}]"
    lines = [Text(head)] + [Text(f"    {_record(record)}") for record in link.records]
    return Group(*lines)
