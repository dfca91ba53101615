"""Demo routing data for Riverside: words for two services of its own, example messages for every
service (English and Welsh), and one officer's correction, made through the same services staff use."""

from __future__ import annotations

from townsquare.accounts.models import User
from townsquare.classify.services import classification_correct, routing_example_add, routing_words_set
from townsquare.councils.models import Council, Service

WORDS = {
    "Emergency Planning": [
        "flood warning",
        "sandbags",
        "evacuation",
        "rest centre",
        "power cut",
        "storm damage",
        "rhybudd llifogydd",
        "bagiau tywod",
    ],
    "Communications": ["press release", "newsletter", "website", "social media", "gwefan", "cylchlythyr"],
}

EXAMPLES = {
    "Waste and Recycling": [
        "My green bin wasn't emptied on Thursday, can you come back for it?",
        "Ni chafodd y bin ailgylchu ei gasglu ddoe",
    ],
    "Highways": ["The streetlight on Mill Lane has been flickering all week", "Mae twll mawr yn y ffordd ger yr ysgol"],
    "Council Tax": ["I've paid my council tax but got a reminder letter", "Sut ydw i'n talu'r dreth gyngor ar-lein?"],
    "Housing": [
        "Our council flat has damp in the bedroom and the repair keeps being cancelled",
        "Mae angen atgyweirio'r boeler yn fy fflat",
    ],
    "Planning": [
        "How do I object to the planning application for the old garage site?",
        "Oes angen caniatâd cynllunio ar gyfer estyniad?",
    ],
    "Parking": [
        "I want to appeal a parking ticket from the Bridge Street car park",
        "Faint yw trwydded barcio i breswylwyr?",
    ],
    "Environmental Health": [
        "Someone has fly tipped a fridge in the lane behind Church Street",
        "Mae sŵn uchel o'r fflat drws nesaf bob nos",
    ],
    "Libraries": ["Can I renew my library books by phone?", "Pryd mae'r llyfrgell ar agor dydd Sadwrn?"],
    "Leisure": [
        "Is the swimming pool at the leisure centre open on Sunday?",
        "Faint yw aelodaeth y gampfa yn y ganolfan hamdden?",
    ],
    "Emergency Planning": ["Where can we get sandbags? The river is rising on Brook Lane"],
    "Communications": ["Can the council share our charity fun run on its Facebook page?"],
}

CORRECTION = ("The bus shelter on Station Road has been smashed again", "Highways")


def classify_demo_load(council: Council, actor: User) -> None:
    services = {s.name: s for s in Service.objects.filter(council=council)}
    for name, words in WORDS.items():
        if name in services:
            routing_words_set(actor=actor, service=services[name], words=words)
    for name, texts in EXAMPLES.items():
        for text in texts:
            if name in services:
                routing_example_add(actor=actor, service=services[name], text=text)
    text, right = CORRECTION
    if right in services:
        classification_correct(
            actor=actor, council=council, text=text, field="service", suggested=None, corrected=services[right].pk
        )
