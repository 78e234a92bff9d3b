"""Facts about the bundled seed corpus that several tests check, written once."""

# The headlines the issue requires, in seed file order 000..004.
SEED_TITLES = [
    "What If Walmart Were A Webhost",
    "Megadeal Between Microsoft and Walmart Speaks More About Fast AI Than Global Scale",
    "Walmart Vs Amazon And Why Cloud Expertise Makes Or Breaks E-Commerce",
    "'월마트 VS 아마존' 신경전 왜!!",
    "Innovation stories: the birth of Amazon Web Services",
]
