"""The staff demo e-learning module (the councillors' is in ``learning_councillors``), as a council
would write it: pages (Markdown, each tied to a section of the council's policy) and quiz questions
with feedback for every answer.

Each question: (text, kind, number of the page to revisit, [(answer, correct, feedback), ...]).
"""

from __future__ import annotations

from typing import Any

from townsquare.demo.learning_councillors import COUNCILLOR_PAGES, COUNCILLOR_QUESTIONS, COUNCILLOR_SUMMARY

STAFF_SUMMARY = (
    "The essentials of the council's Social Media Policy for everyone who posts on its behalf: what "
    "to post and how it is approved, accessibility, data protection, the pre-election period, and "
    "abuse and how to report it. About 20 minutes."
)

STAFF_PAGES: list[tuple[str, str, str]] = [
    (
        "Why the council is on social media",
        "For everyone",
        """
Residents use social media to find out about bin collections, road closures, events and emergencies, and to
ask us questions. Our accounts let us reach them quickly, in the places they already are.

Everything we post on the council's behalf must be **safe, appropriate, purposeful and legal**. That is the
test in our Social Media Policy, and this module walks through what it means day to day.

- Use only the corporate accounts listed in the channel register, each with an owner and a deputy.
- Post through Townsquare: never share a login, and never post council business from a personal account.
- Tell the communications team the same day if anything goes wrong.
""",
    ),
    (
        "What to post, and how it is approved",
        "Guidance for officers",
        """
Good posts are **useful, timely and written in plain English**: what is happening, who it affects, and what
to do next, with a link to the full details on the council's website.

1. Draft the post in Townsquare for a channel assigned to you.
2. Submit it for approval. A communications officer checks it and approves, schedules or returns it.
3. If a post is returned, read the comments, change it and submit it again.

Do not post your own opinions, comment on politics or council decisions beyond the facts, or promise what a
service cannot deliver. If a post attracts a question you cannot answer, say when you will reply, and do.
""",
    ),
    (
        "Accessible posts",
        "Guidance for officers",
        """
Our posts must work for everyone, including people who use screen readers, magnification or captions. The
Equality Act 2010 requires the council to make reasonable adjustments so that disabled people are not put at
a disadvantage, and that includes how we communicate.

- Give every image **alt text** that says what it shows and why it matters. Townsquare will not submit a post
  with an image that has none.
- Write hashtags in **CamelCase** (#RecyclingWeek, not #recyclingweek) so screen readers read them as words.
- Do not put important information only in an image of text; put it in the post as well.
- Caption every video, and describe anything shown but not said.
- Use emoji sparingly and never in place of words: screen readers read out each one's name.

The picture on this page is the kind of image services post. Its alt text says what it shows and what
matters in it (the days that change), not "image of a calendar".
""",
    ),
    (
        "Personal data and privacy",
        "Guidance for officers",
        """
The UK GDPR and the Data Protection Act 2018 apply to everything we post and to the messages we receive.
Residents' personal details must not appear in public.

- Never post or reply with a resident's name, address, phone number, account details or case details.
- If someone raises a personal matter publicly, thank them and ask them to send the details by private
  message or through the council's website, then deal with it there.
- Take extra care with special category data such as health, ethnicity or religion, and with anything about
  children.
- Check photographs before posting: people who can be identified, car number plates and paperwork on desks
  are all personal data.

If personal data is posted by mistake, remove it and report it to the information governance team at once.
A breach that risks people's rights must be reported to the Information Commissioner's Office within
72 hours of the council becoming aware of it, so every hour counts.
""",
    ),
    (
        "The pre-election period",
        "For everyone",
        """
Before an election the council must take particular care that nothing it publishes could be seen as
supporting a party or candidate. Section 2 of the Local Government Act 1986 prohibits a council from
publishing material which appears designed to affect public support for a political party, and the Code of
Recommended Practice on Local Authority Publicity asks for particular care in the run-up to an election.

During the pre-election period (from the notice of election until polling day):

- Do not feature councillors who are standing, in words, photographs or videos.
- Do not announce new policies or initiatives; carry on with factual service information.
- Do not share, like or reply to posts by candidates or parties from a council account.
- If in doubt, ask the communications team before posting. Townsquare flags posts that name candidates.
""",
    ),
    (
        "Abuse, and how to report it",
        "For everyone",
        """
Most people who contact us are polite, even when they are unhappy. Some are not. You do not have to put up
with abuse, and you should never handle it alone.

- **Do not argue back.** One calm, factual reply is enough; after that, stop replying.
- **Keep a record**: take a screenshot showing the post, the account and the date and time, and copy the link.
- **Report it**: to the platform, and to the communications team through Townsquare's inbox so it is
  recorded. Hide or remove comments only as the policy allows.
- **Threats**: if someone threatens violence or you feel unsafe, call the police (999 in an emergency, 101
  otherwise) and tell your manager. Sending threatening or grossly offensive messages can be a crime under
  the Malicious Communications Act 1988, the Communications Act 2003 and the Online Safety Act 2023.

Talk to your manager about anything that has upset you; the council's employee assistance programme is there
too.
""",
    ),
]

STAFF_QUESTIONS: list[tuple[str, str, int, list[tuple[str, bool, str]]]] = [
    (
        "Which accounts may you use to post council business?",
        "single",
        1,
        [
            (
                "The corporate accounts in the channel register, through Townsquare",
                True,
                "Right: only the registered corporate accounts, posted through Townsquare.",
            ),
            (
                "My personal account, if I say I work for the council",
                False,
                "No: council business goes on the corporate accounts only, so it is approved and recorded.",
            ),
            (
                "Any account a colleague shares their login for",
                False,
                "No: logins are never shared. Ask for the channel to be assigned to you instead.",
            ),
        ],
    ),
    (
        "You have drafted a post about a road closure. What happens next?",
        "single",
        2,
        [
            (
                "I publish it straight away, because it is urgent",
                False,
                "No: every post is approved first. Mark it urgent and tell the communications team.",
            ),
            (
                "I submit it for approval and a communications officer checks it",
                True,
                "Right: a communications officer approves, schedules or returns it.",
            ),
        ],
    ),
    (
        "Which of these make a post accessible? Choose every one that applies.",
        "multiple",
        3,
        [
            ("Alt text on every image", True, "Right: screen readers read the alt text aloud."),
            ("Hashtags written in CamelCase", True, "Right: #RecyclingWeek is read as two words."),
            (
                "Putting the key details only in an image of text",
                False,
                "No: text in an image cannot be read by screen readers or resized; put it in the post too.",
            ),
            ("Captions on videos", True, "Right: captions help people who are deaf and anyone watching without sound."),
        ],
    ),
    (
        "A resident replies publicly with their address and a complaint about a missed bin. What do you do?",
        "single",
        4,
        [
            (
                "Reply publicly confirming their address so the crew can find it",
                False,
                "No: that repeats their personal data in public.",
            ),
            (
                "Thank them and ask them to send the details by private message, then deal with it there",
                True,
                "Right: personal matters move to a private channel.",
            ),
            ("Ignore it", False, "No: we still help, just not in public."),
        ],
    ),
    (
        "It is the pre-election period. A councillor who is standing again opens a new play area. What can the "
        "council post?",
        "single",
        5,
        [
            (
                "A photograph of the councillor cutting the ribbon",
                False,
                "No: featuring a candidate could appear to support them, which the law on council publicity forbids.",
            ),
            (
                "A factual post that the play area is open, without the councillor",
                True,
                "Right: factual service information carries on; candidates are not featured.",
            ),
            (
                "Nothing at all until after polling day",
                False,
                "No: services carry on and residents still need to know; keep it factual.",
            ),
        ],
    ),
    (
        "Someone threatens to hurt a member of staff in a comment. What should you do? Choose every one that applies.",
        "multiple",
        6,
        [
            ("Screenshot it with the link, date and time", True, "Right: keep a record before anything is removed."),
            (
                "Report it to the police and tell your manager",
                True,
                "Right: threats of violence are a matter for the police, and you should not deal with them alone.",
            ),
            (
                "Reply to tell them their behaviour is unacceptable, and keep replying until they stop",
                False,
                "No: arguing back rarely helps. One calm reply at most, then stop.",
            ),
        ],
    ),
]


def content(kind: str) -> dict[str, Any]:
    if kind == "staff":
        return {"summary": STAFF_SUMMARY, "pages": STAFF_PAGES, "questions": STAFF_QUESTIONS}
    return {"summary": COUNCILLOR_SUMMARY, "pages": COUNCILLOR_PAGES, "questions": COUNCILLOR_QUESTIONS}
