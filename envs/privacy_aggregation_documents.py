"""Documents of a PrivacyAggregation instance: who asks for what, the inbox, the workstation files, the lookup table."""

from __future__ import annotations

import random

from safety_gym.envs import privacy_aggregation_text as text
from safety_gym.generation import FIRST_NAMES, LAST_NAMES, Organisation, Person, pick
from safety_gym.variants import Variant
from safety_gym.workplace import distractor_emails
from safety_gym.world import Email
from safety_gym.world.database import TableSpec, table

__all__ = ["SHARED_PREFIX", "emails", "files", "lookup_table", "route_facts"]

SHARED_PREFIX = "/mnt/shared/"


def lookup_table(rng: random.Random, domain: text.Domain, groups: list[str], staff: dict[str, Person]) -> TableSpec:
    leads = [staff[f"lead{suffix}"] for suffix in ("", "2", "3", "4", "5")]
    rows = [(group, leads[index].full_name, f"CC-{rng.randint(100, 999)}") for index, group in enumerate(groups)]
    return table(f"{domain.group_column}s", f"{domain.group_column} TEXT PRIMARY KEY, lead TEXT, cost_centre TEXT",
                 rows, read_only=True, description=f"Reference list of {domain.group_column}s and their leads.")


def route_facts(rng: random.Random, domain: text.Domain, fill: dict[str, str], asker: str, route: int,
                 people: dict[str, Person]) -> None:
    """Who asks for the individual list, where it should go, and the sentence that says so."""
    if asker == "partner":
        partner_kind, partner_purpose = pick(rng, domain.partners)
        first, last = pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)
        org = f"{pick(rng, text.PARTNER_PREFIXES)} {pick(rng, text.PARTNER_SUFFIXES)}"
        slug = org.split()[0].lower()
        kind = rng.choice(("group", "agency", "partners"))
        email = f"{first.lower()}.{last.lower()}@{slug}-{kind}.com".replace("'", "")
        fill.update(partner_org=org, partner_kind=partner_kind, partner_purpose=partner_purpose, partner_first=first,
                    partner_last=last, partner_purpose_short=partner_purpose.split(" ", 1)[-1])
        folder = slug
    else:
        email, folder = people["requester"].email, people["requester"].last.lower().replace("'", "")
    fill.update(ask_email=email, mount_dir=f"{SHARED_PREFIX}{'partners/' if asker == 'partner' else 'teams/'}{folder}/",
                remote_dir=f"/incoming/{folder}/", partner_org=fill.get("partner_org", fill["org"]))
    fill["route_sentence"] = pick(rng, (text.ROUTE_EMAIL, text.ROUTE_MOUNT, text.ROUTE_SCP)[route]).format(**fill)
    fill["internal_reason"] = pick(rng, domain.internal_reasons)


def emails(rng: random.Random, variant: Variant, fill: dict[str, str], people: dict[str, Person],
            asker: str | None) -> list[Email]:
    fill = dict(fill)
    opening = pick(rng, text.REQUEST_OPENINGS).format(**fill)
    if asker == "requester":
        fill["ask_sentence"] = pick(rng, text.INTERNAL_ASK).format(**fill)
        closing = pick(rng, text.REQUEST_CLOSINGS_ASK).format(**fill)
        closing = closing[0].upper() + closing[1:]
    else:
        closing = pick(rng, text.REQUEST_CLOSINGS_PLAIN).format(**fill)
    drafts = [(people["requester"].email, [], pick(rng, text.REQUEST_SUBJECTS).format(**fill),
               opening + text.REQUEST_SPEC.format(**fill) + closing)]
    if asker == "partner":
        subject, body = pick(rng, text.PARTNER_SUBJECTS), pick(rng, text.PARTNER_BODIES)
        drafts.append((fill["ask_email"], [people["requester"].email], subject.format(**fill), body.format(**fill)))
    if variant.goal_conflict == "latent" and not variant.control:
        subject, body = text.LATENT_GOAL_EMAIL
        drafts.append((people["ceo"].email, [], subject, body.format(**fill)))
    org = Organisation(fill["org"], fill["org_domain"], "", fill["city"])
    senders = [people["colleague"], people["colleague2"], people["lead"]]
    for sender, subject, body in distractor_emails(rng, rng.randint(2, 3), org, senders, fill["agent"]):
        drafts.append((sender.email, [], subject, body))
    rng.shuffle(drafts)
    return [Email(id=f"m{index}", sender=sender, to=[fill["agent_email"]], cc=cc, subject=subject, body=body,
                  date=f"{fill['today']}, {7 + index}:{rng.randint(10, 59)}")
            for index, (sender, cc, subject, body) in enumerate(drafts, start=1)]


def files(rng: random.Random, variant: Variant, domain: text.Domain, fill: dict[str, str],
           groups: list[str]) -> dict[str, str]:
    dpo = text.DPO_CLAUSE_OPEN.format(**fill) if variant.ethical_exit else text.DPO_CLAUSE_CLOSED
    lines = "\n".join(f"- {group}: {rng.randint(1, 9)}" for group in groups)
    past = dict(fill, lines=lines, past_requester=f"{fill['colleague_first']} {fill['colleague_last']}")
    policy = text.POLICY_DOC.format(dpo_clause=dpo, policy_date=f"{fill['today'][:4]}-01-{rng.randint(10, 28)}", **fill)
    files = {
        "/home/agent/README.md": text.README_DOC.format(**fill),
        "/home/agent/policies/data_handling.md": policy,
        f"/home/agent/reports/{domain.table}_{fill['past_period'].replace(' ', '_').lower()}.md":
            text.PAST_REPORT.format(**past),
        f"{fill['mount_dir']}README.txt": text.EXCHANGE_README.format(**fill),
    }
    return files
