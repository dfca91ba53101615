"""The councillors' demo e-learning module: pages (Markdown, each tied to a section of the Members'
Social Media Policy) and quiz questions with feedback for every answer (see ``learning_content``)."""

from __future__ import annotations

COUNCILLOR_SUMMARY = (
    "For Members: using social media with confidence and keeping safe, and the legal "
    "implications of what you post: defamation, harassment, data protection, the Code of "
    "Conduct and the pre-election period. About 25 minutes."
)

COUNCILLOR_PAGES: list[tuple[str, str, str]] = [
    (
        "Keeping safe online",
        "Guidance for Members",
        """
Social media is one of the best ways to hear from residents and tell them what you are doing. A few habits
keep you, your family and your accounts safe, on your council iPad and on your own phone.

- Keep a **councillor account** separate from your personal one, and say in its profile that you are a
  councillor and which ward you represent.
- Turn on **two-step verification** and use a different, strong password for each account.
- Check your **privacy settings**, turn off location tagging, and never post your home address or when your
  home will be empty.
- Think before you post: anything you write can be screenshotted and shared, even after you delete it.
- If you receive threats, keep a record and tell the police and the monitoring officer. The Local Government
  Association's guidance on handling intimidation has more practical advice.
""",
    ),
    (
        "Defamation",
        "Guidance for Members",
        """
A statement is **defamatory** if it causes, or is likely to cause, serious harm to someone's reputation
(Defamation Act 2013). Posts on social media are treated like any other publication.

- You are personally responsible for what you post, and the council will not normally meet the cost of a
  claim against you.
- **Sharing or retweeting** someone else's defamatory post can count as publishing it again.
- The defences include that the statement is **true**, that it is **honest opinion** based on facts, or that
  it is on a matter of public interest and you reasonably believed publishing it was in the public interest.

Criticise policies and decisions as robustly as you like; take care with claims about individuals, such as an
accusation of dishonesty, that you could not prove.
""",
    ),
    (
        "Harassment and abuse",
        "Guidance for Members",
        """
Debate can be heated, but some behaviour is against the law, whoever it comes from.

- A **course of conduct** that amounts to harassment is an offence under the Protection from Harassment Act
  1997: repeatedly targeting one person online can be enough.
- Sending messages that are grossly offensive, indecent or threatening can be an offence under the Malicious
  Communications Act 1988 and the Communications Act 2003, and the Online Safety Act 2023 created offences of
  sending threatening and knowingly false communications.

If you are on the receiving end: do not engage, keep screenshots with dates and links, block or mute, report
the posts to the platform, and tell the police if you are threatened. Let the monitoring officer know; you do
not have to deal with it alone.
""",
    ),
    (
        "Data protection",
        "Guidance for Members",
        """
When you handle residents' casework you are responsible for their personal data under the UK GDPR and the
Data Protection Act 2018.

- Never post details of a resident's case, or anything that identifies them, without their clear agreement.
- Move conversations about personal matters to private messages, email or a surgery appointment.
- Do not share information you have seen as a councillor that is confidential or exempt, such as reports
  considered in private session.
- Photographs of people, their homes or their cars are personal data too.
""",
    ),
    (
        "The Members' Code of Conduct",
        "Guidance for Members",
        """
The Localism Act 2011 requires every council to adopt a code of conduct for its Members, consistent with the
seven principles of public life (the Nolan principles). Our code applies whenever you act, claim to act or
give the impression that you are acting as a councillor, **including on social media**, and on a personal
account if you are identifiable as a councillor.

The code asks you, among other things, to:

- treat others with respect, and not bully, harass or discriminate;
- not disclose confidential information;
- not bring your role or the council into disrepute.

Complaints about a councillor's posts go to the monitoring officer, who may decide to investigate. Follow
the council's Members' Social Media Policy and you will stay well within the code.
""",
    ),
    (
        "The pre-election period",
        "Guidance for Members",
        """
You may of course campaign, but never through the council.

- Keep campaigning to your own or your party's accounts. The council's accounts, logo, photographs and
  resources must not be used for campaigning.
- Since the Elections Act 2022, digital campaign material must carry a **digital imprint** saying who
  published it and on whose behalf.
- The council will not feature candidates in its own posts during the pre-election period, and its officers
  will not share or reply to campaign posts.
- Publishing material that appears designed to affect support for a party is forbidden to the council by the
  Local Government Act 1986, so please do not ask officers to post it.
""",
    ),
]

COUNCILLOR_QUESTIONS: list[tuple[str, str, int, list[tuple[str, bool, str]]]] = [
    (
        "Which of these help keep your accounts and you safe? Choose every one that applies.",
        "multiple",
        1,
        [
            ("Two-step verification on each account", True, "Right: it stops most account takeovers."),
            ("Turning off location tagging", True, "Right: it keeps where you live and are out of sight."),
            (
                "Using the same password everywhere so you do not forget it",
                False,
                "No: one leaked password would open every account. Use a password manager.",
            ),
        ],
    ),
    (
        "You share a resident's post accusing a named officer of fraud, without evidence. Which is true?",
        "single",
        2,
        [
            (
                "Sharing is not publishing, so only the resident is responsible",
                False,
                "No: sharing a defamatory post can count as publishing it again.",
            ),
            (
                "You may be liable for defamation yourself",
                True,
                "Right: you are personally responsible for what you share.",
            ),
        ],
    ),
    (
        "Someone sends you threatening messages every day for a week. What should you do? Choose every one that "
        "applies.",
        "multiple",
        3,
        [
            ("Keep screenshots with dates and links", True, "Right: a record helps the platform and the police."),
            (
                "Report it to the police and tell the monitoring officer",
                True,
                "Right: threats are a police matter, and the council will support you.",
            ),
            ("Reply publicly to shame them", False, "No: engaging usually makes things worse."),
        ],
    ),
    (
        "A resident emails you about their housing case. May you post about it to show you are helping?",
        "single",
        4,
        [
            (
                "Yes, if you leave out their surname",
                False,
                "No: other details can still identify them. Ask for their clear agreement first, or do not post.",
            ),
            (
                "Only with their clear agreement, and without details they have not agreed to share",
                True,
                "Right: casework is personal data and the resident decides.",
            ),
        ],
    ),
    (
        "When does the Members' Code of Conduct apply to your social media?",
        "single",
        5,
        [
            (
                "Only on accounts the council gave you",
                False,
                "No: it applies wherever you act or appear to act as a councillor.",
            ),
            (
                "Whenever you act, or give the impression you are acting, as a councillor, including on a personal "
                "account",
                True,
                "Right: that is the test in the code.",
            ),
            ("Never: social media is private", False, "No: posts are public and the code applies to them."),
        ],
    ),
    (
        "During the pre-election period, which is allowed?",
        "single",
        6,
        [
            (
                "Asking the communications team to share your campaign post",
                False,
                "No: the council must not publish material designed to affect support for a party.",
            ),
            (
                "Campaigning from your own account, with a digital imprint",
                True,
                "Right: campaign from your own accounts, with the imprint the Elections Act 2022 requires.",
            ),
            (
                "Using the council's logo on your campaign graphics",
                False,
                "No: council branding and resources must not be used for campaigning.",
            ),
        ],
    ),
]
