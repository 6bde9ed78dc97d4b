"""Promotional content score (SPEC §4): each phrase class, the threshold, honest InMails pass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inroad.config import Settings
from inroad.domain.promotion import CLASSES, PATTERNS, is_promotional, score

WEIGHTS = Settings().promo_weights
THRESHOLD = Settings().promo_threshold


def classes(text: str) -> set[str]:
    return set(score(text, WEIGHTS).counts)


@pytest.mark.parametrize(("text", "kind"), [
    ("See https://shop.example.com/deal", "link"),
    ("Visit www.example.org today", "link"),
    ("It is all on bit.ly/xyz", "link"),
    ("Only $49 a month", "price"),
    ("Costs 300 USD", "price"),
    ("Now €19.99", "price"),
    ("Get 50% off everything", "discount"),
    ("Use promo code SAVE20", "discount"),
    ("Our summer sale ends Sunday, everything on sale", "discount"),
    ("An exclusive deal for you", "discount"),
    ("Buy now and thank me later", "call_to_buy"),
    ("Click here to learn more", "call_to_buy"),
    ("Sign up today to get access", "call_to_buy"),
    ("A limited-time offer", "call_to_buy"),
    ("Subscribe to our plan", "call_to_buy"),
    ("Act now before it is gone", "urgency"),
    ("Today only, for members", "urgency"),
    ("Last chance to join", "urgency"),
    ("Hurry, the offer expires soon", "urgency"),
    ("Start your free trial", "free_offer"),
    ("Get a free consultation", "free_offer"),
    ("It is 100% free", "free_offer"),
    ("THIS IS THE BEST TOOL EVER MADE for you", "shouting"),
    ("Great!!! Really!", "exclamations"),
])
def test_each_class_matches(text, kind):
    assert kind in classes(text)


@pytest.mark.parametrize("text", [
    "Are you free to chat next week?",
    "Feel free to say no, and thanks for reading!",
    "I run the sales team at Acme and saw your talk on pipeline reviews.",
    "We offer an employee discount on our products among other perks.",
    "Email me at dana.kim@example.com if easier.",
    "Could you join today's call at 3pm?",
    "I have worked with AWS and GCP for years.",
    "The deal with our partner closed last quarter, a big deal for us.",
])
def test_honest_phrases_do_not_match(text):
    assert classes(text) - {"link"} == set() or classes(text) == set()
    assert not classes(text) & {"discount", "call_to_buy", "urgency", "free_offer", "shouting",
                                "exclamations"}


def test_a_salary_range_counts_once():
    found = score("The base salary is $150k-$180k plus equity.", WEIGHTS)
    assert found.counts == {"price": 1}
    assert found.phrases() == ["$150k-$180k"]


def test_a_class_is_capped_at_twice_its_weight_and_a_mix_refuses():
    loud = "discount " * 20
    assert score(loud, WEIGHTS).score == pytest.approx(2 * WEIGHTS["discount"])
    assert not is_promotional(score(loud, {"discount": 0.45}), 1.0)
    promo = "Get 30% off our CRM, only $49/month! Sign up today at https://crm.example.com"
    found = score(promo, WEIGHTS)
    assert is_promotional(found, THRESHOLD)
    assert {"30% off", "$49", "Sign up today", "https://crm.example.com"} <= set(found.phrases())


def test_repeats_add_a_quarter_each_up_to_twice_the_weight():
    w = WEIGHTS["link"]
    one = score("https://a.example.com", WEIGHTS).score
    two = score("https://a.example.com https://b.example.com", WEIGHTS).score
    many = score(" ".join(f"https://{i}.example.com" for i in range(10)), WEIGHTS).score
    assert (one, two, many) == pytest.approx((w, 1.25 * w, 2 * w))


def test_repeated_sales_language_adds_half_its_weight_each_time():
    w = WEIGHTS["call_to_buy"]
    assert score("Buy now. Click here.", WEIGHTS).score == pytest.approx(1.5 * w)
    assert score("Buy now. Click here. Order now. Subscribe.", WEIGHTS).score == \
        pytest.approx(2 * w)


def test_weights_come_from_configuration():
    text = "Buy now"
    assert score(text, {**WEIGHTS, "call_to_buy": 1.5}).score == 1.5
    assert score(text, {}).score == 0


@pytest.mark.parametrize("text", [
    "Hi Dana, I lead hiring for the data platform team at Acme. The role pays $170k-$200k plus "
    "equity, fully remote. Posting: https://acme.example.com/jobs/123. Are you free to chat "
    "next week? Thanks!",
    "Hello Li, I loved your portfolio (https://li.design) and the Northwind rebrand! Would you "
    "be open to a freelance project? Budget is around $8,000. Thanks so much!",
    "Hi Bo, I work in sales at Fabrikam and noticed your team is scaling its warehouse. We help "
    "companies cut query costs; happy to share what worked for Contoso. Open to a 15 minute "
    "call?",
    "Hi Ann, the senior designer role includes a $5k learning budget, an employee discount and "
    "free lunches. Details: https://jobs.example.com/42. Feel free to reach out with questions!",
])
def test_honest_recruiting_and_networking_inmails_pass(text):
    assert not is_promotional(score(text, WEIGHTS), THRESHOLD), score(text, WEIGHTS)


def test_class_list_is_the_configured_one():
    assert set(CLASSES) == set(WEIGHTS)
    assert set(PATTERNS) < set(CLASSES)


PROMO_PHRASES = ["buy now", "50% off", "only $19", "click here", "act now", "free trial",
                 "https://deal.example.com", "use promo code", "last chance", "limited offer",
                 "today only", "for free", "sign up today", "order now", "huge sale"]
FILLER = ["hello", "I hope you are well", "our team", "we make software", "thanks",
          "best regards", "see you soon", "talk to you later"]


@settings(max_examples=200, deadline=None)
@given(base=st.lists(st.sampled_from(PROMO_PHRASES + FILLER), max_size=12),
       added=st.sampled_from(PROMO_PHRASES))
def test_adding_a_promotional_phrase_never_lowers_the_score(base, added):
    text = ". ".join(base)
    assert score(f"{text}. {added}", WEIGHTS).score >= score(text, WEIGHTS).score


@settings(max_examples=100, deadline=None)
@given(base=st.lists(st.sampled_from(PROMO_PHRASES + FILLER), max_size=12))
def test_shouting_a_text_never_lowers_its_score(base):
    text = ". ".join(base)
    assert score(text.upper(), WEIGHTS).score >= score(text, WEIGHTS).score


# Written by hand, not by the abuse simulation's generator the phrase lists were tuned on: a
# held-out check that the scorer generalizes.
HELD_OUT_PROMOS = [
    'Hi Mark, our agency is running a Black Friday special: 40% off all website redesigns. '
    'Book before Friday, offer ends at midnight!',
    'Tired of cold calling? LeadRocket finds 500 verified leads a month for just $99. Start '
    'your 14-day free trial: leadrocket.io',
    "Hey! I noticed you're in finance. Our premium trading signals have a 92% win rate. "
    'Subscribe now and get your first month free. Limited spots!',
    "Hello Sara, we're offering a complimentary LinkedIn profile audit this week only. "
    'Normally $250. Reply YES to claim yours!',
    'Grow your followers by 10,000 in 30 days GUARANTEED. Packages from $49. Visit '
    'https://growth.example.com and use code LINKED20 for 20% off.',
    'Hi there, exclusive offer for HR leaders: our payroll software at half price for the '
    'first year. Sign up today at payroll.example.net',
    'URGENT: last chance to register for the Leadership Summit 2026. Early bird tickets $199 '
    '(save $300). Register now: summit.example.com',
    'Dear Omar, our SEO package guarantees page-one rankings. Only $299/month, no contract. '
    'Click here to get started: seo.example.co',
    'Looking to hire faster? Post unlimited jobs for $0 for 30 days, then $79/month. Offer '
    "expires soon, don't miss out.",
    'Hi Lena! Want to earn $5,000 a month from home? Join our program today, spots are '
    'limited. DM me or visit www.freedom.example.com',
    'Our new CRM is 50% off for startups this month. Book a demo at crm.example.io and get a '
    'free onboarding session.',
    'Hello, I sell premium leather bags handmade in Italy. Use promo code LINKEDIN for 25% '
    'off your first order at bags.example.shop',
    'Hey Tom, act fast: our crypto masterclass is $97 today only (regular price $497). Enroll'
    ' here: https://masterclass.example.com',
    'Get a FREE e-book on personal branding! Download now at brand.example.com. Plus 30% '
    'discount on coaching sessions this week.',
    "Hi Priya, quick offer: we'll build your company's mobile app at a special price of "
    '$4,999. Limited-time deal, reply to claim your slot.',
]
HELD_OUT_HONEST = [
    "Hi Mark, I'm a recruiter at Northwind. We're hiring a senior data engineer in Toronto; "
    'the range is CAD 150k-175k plus bonus. Posting: '
    'https://northwind.example.com/careers/77. Would you be open to a chat this week?',
    'Hello Sara, congrats on the launch of your design system! I run the frontend guild at '
    'Contoso and would love to swap notes. Free for a 20 minute call next Tuesday?',
    "Hi Omar, I'm moving from consulting into product and your path from analyst to PM at "
    "Globex is exactly what I'm aiming for. Could I ask you a few questions? Thanks so much!",
    'Dear Lena, your paper on cache eviction was fantastic!! I maintain an open-source key-'
    "value store (github.com/lena-fan/kv) and we'd be thrilled to have your feedback. Thanks!",
    'Hi Tom, I lead sales at Fabrikam. We help logistics teams cut fuel costs with route '
    "planning; Wayne Logistics saved 12% last year. Open to a short call to see if it's "
    'relevant?',
    "Hi Priya, we met at KubeCon. I'm hiring an SRE lead, fully remote, $170,000 to $195,000 "
    'base plus equity and a $10k sign-on bonus. Job description attached in the link: '
    'jobs.example.com/sre-lead',
    "Hi Dana, I'm organizing a free community meetup on accessibility in Lisbon next month "
    'and would love you to speak. No pressure at all. Feel free to say no!',
    'Hello Raj, I saw your post asking for beta testers. I have ten years of experience with '
    "Android and I'm happy to help for free. Here's my portfolio: https://raj-fan.dev",
    'Hi Eva, quick question about the Series A at Helix Bio: are you hiring for the ML '
    "platform yet? I'm an ML engineer in Berlin. My CV: https://eva-ml.example.com/cv",
    "Hi Noah, thanks for the great AMA yesterday! I'd love to continue the conversation about"
    ' on-call rotations. Would coffee next week work?',
    "Hi Zoe, we're hiring! Senior iOS engineer, London, £85k-£100k. Perks include a learning "
    'budget, an employee discount and private health care. Interested?',
    "Hello Ivan, I'm a freelance designer. Your team's sale-season landing pages look great; "
    "if you ever need extra hands during the busy period, I'd love to help. My rates are on "
    'my site.',
    'Hi Kofi, our nonprofit runs free coding workshops for teenagers in Nairobi. Would you '
    "consider mentoring once a month? It's about 2 hours. Thank you for considering it!",
    "Hi Aiko, I read your article on pricing pages. We're redoing ours at Juniper Retail; "
    "could I ask what you'd change first? Happy to buy you lunch in return.",
    "Hi Luis, I'm a student at TU Berlin writing my thesis on Kafka at scale. Could I "
    'interview you for 30 minutes? I can send the questions in advance. Thank you!',
]


def test_held_out_promotional_inmails_are_caught():
    caught = [t for t in HELD_OUT_PROMOS if is_promotional(score(t, WEIGHTS), THRESHOLD)]
    # One known miss: "40% off ... offer ends at midnight" (discount + urgency = 0.97).
    assert len(caught) >= len(HELD_OUT_PROMOS) - 1


@pytest.mark.parametrize("text", HELD_OUT_HONEST)
def test_held_out_honest_inmails_pass(text):
    assert not is_promotional(score(text, WEIGHTS), THRESHOLD)
