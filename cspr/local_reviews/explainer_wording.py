"""The service's own wording of the three explainers, which a partnership starts from and may change.

Plain English, written for this service. A line starting ``## `` is a heading, a line starting ``- `` a point of a
list, and a blank line ends a paragraph (:func:`cspr.local_reviews.selectors_people.explainer_blocks`). Words in square
brackets are for the partnership to fill in before the explainer is given out. ``{partnership}`` becomes the
partnership's name.
"""

from __future__ import annotations

import re

FAMILY_TITLE = "A review of what happened: information for the family"
FAMILY = """\
We are sorry for what has happened to your family. This explainer tells you about a review that {partnership} is \
holding, how you can take part if you want to, and what we do with information about you.

## What is a review?

When a child dies or is seriously harmed and abuse or neglect is known or suspected, the local safeguarding \
partners (the council, the NHS and the police) must think about whether services could learn from what happened. \
They have decided to hold a local child safeguarding practice review.

A review looks at how the services that knew your family worked, on their own and together. It is not about \
blaming anyone. It does not decide whether anyone committed a crime: that is for the police and the courts.

## What will happen

- An independent reviewer, who does not work for any of the services involved, leads the review.
- The reviewer reads what the services recorded and talks to the people who worked with your family.
- The reviewer would like to hear from you: your view of what happened and of the help you had matters.
- The reviewer writes a report. The partnership checks it and usually publishes it, without your names.
- We will tell you before anything is published, and you can read the report first.

If there is a criminal trial or an inquest, parts of the review may have to wait until it ends. We will tell you if \
that happens.

## How to take part

Taking part is your choice. You can meet the reviewer in person, talk on the phone or by video, or write. You can \
bring someone to support you. You can stop at any time, and saying no will not change any service you receive.

## Who to contact

[The name of the business unit's contact, their phone number, e-mail address and postal address.]

## Information about you: your privacy

Who is responsible for it: the safeguarding partners of {partnership} (the council, the integrated care board and \
the police) are jointly the controller of the information the review holds. [The address of the partnership's data \
protection officer.]

Why we hold it: to carry out the review the law requires (the Children Act 2004 and the regulations made under it) \
and to learn from it to keep children safe.

The law that allows it: we hold it because it is a task carried out in the public interest (UK GDPR Article 6(1)(e)). \
Information about health, ethnicity or crime is held because it is needed to safeguard children (Article 9(2)(g) and \
the Data Protection Act 2018, Schedule 1). We do not rely on your consent to hold it, but taking part in the review \
is always your choice.

What we hold: your name and how to contact you, your relationship to the child, when we were in touch with you and \
what you told us, and what you would like the review to look at.

Who we share it with: the independent reviewer, the services taking part in the review, and the national Child \
Safeguarding Practice Review Panel. The published report does not name you.

How long we keep it: [the partnership's retention period for review records, for example until the youngest child \
named reaches 25].

Your rights: you can ask for a copy of the information we hold about you, ask us to correct it, object to how we use \
it, or ask us to limit its use. Some rights have limits where the information is needed to protect children. Contact \
us at the address above.

If you are unhappy with how we used your information, please tell us first. You can also complain to the \
Information Commissioner's Office: ico.org.uk, or phone 0303 123 1113.
"""

PRACTITIONER_TITLE = "A learning event for a review: information for practitioners"
PRACTITIONER = """\
You have been invited to a learning event because you worked with a child or family whose case {partnership} is \
reviewing. This explainer says what the event is for and what to expect.

## Why we are holding the event

A local child safeguarding practice review looks at how services worked, on their own and together, so that \
everyone can learn. The event gathers what the practitioners who were there know: what it was like to work with \
this family, what helped and what got in the way.

## What to expect

- The independent reviewer leads the event. It is not a disciplinary meeting or an investigation of you.
- You will be asked about your work with the family and the systems around it.
- What you say helps the reviewer understand why things happened as they did.
- The report does not name practitioners.

If a criminal trial or an inquest is running, the reviewer will tell you what may not be discussed.

## Looking after yourself

Reviews can be difficult. Your manager or your organisation's safeguarding lead can support you before and after \
the event.

## Who to contact

[The name of the business unit's contact, their phone number and e-mail address.]
"""

AGENCY_TITLE = "Information for a review: what we are asking of your organisation"
AGENCY = """\
{partnership} is holding a local child safeguarding practice review and has asked your organisation for \
information. This explainer says why, and what to send.

## Why we are asking

The safeguarding partners must review serious cases where services could learn from what happened. Organisations \
asked for information by the partners are required to give it (Children Act 2004, section 16H).

## What to send

- What your organisation knew of the child and family during the period the review covers.
- What was done, and why, as your records show it.
- What your organisation has already learned or changed.

Send it through the service's secure request, by the date in the request. Do not send it by ordinary e-mail.

## What happens next

The independent reviewer reads every organisation's information, may ask follow-up questions, and may invite your \
staff to a learning event. Your organisation will be asked to check the draft report for factual accuracy.

## Who to contact

[The name of the business unit's contact, their phone number and e-mail address.]
"""

DEFAULTS: dict[str, tuple[str, str]] = {
    "family": (FAMILY_TITLE, FAMILY),
    "practitioner": (PRACTITIONER_TITLE, PRACTITIONER),
    "agency": (AGENCY_TITLE, AGENCY),
}
"""Each explainer's title and words, by kind."""


def service_wording(kind: str, *, partnership: str) -> tuple[str, str]:
    """The service's title and words for the explainer ``kind``, with the partnership's name put in."""
    title, body = DEFAULTS[kind]
    return title, body.replace("{partnership}", partnership)


GAP = re.compile(r"\[[^\[\]\n]+\]")
"""Words in square brackets: a gap for the partnership to fill in before the explainer is given out."""


def unfilled(body: str) -> list[str]:
    """The gaps still in an explainer's words, as written ("[The name of the business unit's contact, …]")."""
    return GAP.findall(body)
