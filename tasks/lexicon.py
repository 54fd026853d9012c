"""Word lists the entity and quote rules share.

They hold English news conventions (titles, roles, organisation words, well-known aliases), not
facts about particular articles. Kept in one place so a rule reads as logic and a list can grow
without touching it.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Honorifics and ranks that precede a name and are not part of it.
TITLES = words(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady gen general lt lieutenant col colonel
    maj major capt captain sgt sergeant cpl corporal adm admiral cmdr commander brig brigadier
    rev reverend father sister rabbi imam sheikh pope king queen prince princess sen senator rep
    representative gov governor mayor president premier minister chancellor judge justice chief
    officer det detective const constable insp inspector supt superintendent ambassador secretary
    chairman chairwoman chair chairperson councillor councilor alderman mp mla mpp mep dep deputy
    coach spokesperson spokesman spokeswoman director ceo cfo coo founder organizer organiser
    lawyer attorney dean principal trustee commissioner cardinal bishop archbishop
    """
)
# Titles that go only before a person's name: "Mr. Bush", "Sen. Graham", "President Obama".
HONORIFICS = words(
    """
    mr mrs ms miss mx dr sen senator rep gov governor president prof professor sir dame rev king
    queen prince princess pope
    """
)
# Titles of an office over a place: the name before one is that place ("Ohio Governor X").
JURISDICTION_TITLES = words(
    """
    mayor gov governor premier sen senator rep representative councillor councilor alderman mp
    mla mpp mep
    """
)
# Words that may precede a name as part of a role ("Pentagon Press Secretary", "Defence Minister").
ROLE_WORDS = TITLES | words(
    """
    press defence defense foreign finance prime vice state staff attorney police fire party
    opposition leader head executive former interim acting health public safety of the and
    """
)
# Names of platforms, agencies and outlets that small models tag as people.
KNOWN_ORGS = words(
    """
    twitter facebook instagram reuters afp ap youtube tiktok google linkedin reddit whatsapp
    snapchat cnn bbc cbc getty x telegram amazon apple microsoft netflix tesla uber bitcoin
    brexit
    """
) | {"associated press", "getty images", "canadian press", "the canadian press"}
# A word like these inside a "person" says the model mislabelled an organisation or a place.
ORG_WORDS = words(
    """
    school university college academy institute hall project station brewery international gmbh
    inc ltd llc corp corporation company co group bank council committee commission ministry
    department agency association society foundation hospital clinic centre center church
    club league party court museum library complex invitational open tour cup festival fc
    airlines airways press news times post herald journal tribune magazine network
    capital systems research consulting partners holdings studios pictures records entertainment
    media forecast ventures industries enterprises technologies labs services solutions
    securities fund initiative works gazette courant chronicle globe
    """
)
# Nouns that describe a person in apposition ("Philip Cross, a former chief economist").
PERSON_NOUNS = words(
    """
    economist fellow analyst researcher expert executive manager owner resident student worker
    mother father son daughter wife husband sister brother farmer teacher doctor nurse activist
    advocate volunteer member leader professor scientist official officer chef author
    """
)
# A word like these inside a "person" says the model mislabelled a place.
PLACE_WORDS = words(
    "square street avenue road boulevard bay river park lake island mountain county province lrt"
)
# Words that end a news photographer's or reporter's credit ("Chris Young/The Canadian Press").
CREDIT_ROLES = words("reporter writer columnist correspondent editor photographer producer")

# Known aliases: every spelling on the left is counted under the name on the right.
ALIASES = {
    **dict.fromkeys(
        [
            "us",
            "u.s.",
            "u.s",
            "usa",
            "u.s.a.",
            "united states",
            "united states of america",
            "america",
        ],
        "United States",
    ),
    **dict.fromkeys(["uk", "u.k.", "britain", "great britain", "united kingdom"], "United Kingdom"),
    **dict.fromkeys(["un", "u.n.", "united nations"], "United Nations"),
    **dict.fromkeys(["eu", "e.u.", "european union"], "European Union"),
    **dict.fromkeys(["uae", "u.a.e.", "united arab emirates"], "United Arab Emirates"),
    **dict.fromkeys(["nato"], "NATO"),
    **dict.fromkeys(["isis", "isil", "islamic state", "daesh"], "Islamic State"),
}
# The type an alias target is counted under, whatever the model said.
ALIAS_TYPES = {
    "United States": "place",
    "United Kingdom": "place",
    "United Arab Emirates": "place",
    "United Nations": "org",
    "European Union": "org",
    "NATO": "org",
    "Islamic State": "org",
}
# Lower-case words inside names ("Ludwig van Beethoven", "Osama bin Laden").
NAME_PARTICLES = words("de da del della di du van von der den la le bin bint al el ibn dos das y")

# Reporting verbs, as base forms; tasks/quotes/lexicon.py inflects them ("point" only with
# "out", "charge" only with a clause).
SPEECH_VERBS_BASE = words(
    """
    acknowledge add admit advise allege announce argue ask assert assure boast call caution chant
    charge claim comment complain concede conclude confirm contend counter declare demand deny
    disclose emphasise emphasize explain express inform insist joke lament maintain mention note
    observe plead pledge point post predict promise propose quip recall recount reiterate remark
    repeat reply report respond reveal say shout speculate state stress suggest tell testify tweet
    underline underscore urge vow warn whisper write yell scream
    """
)
# Speech acts whose content is a noun phrase or an infinitive rather than a clause ("urged
# lawmakers to act", "called for an inquiry", "accused the council of stalling"): the quote is
# the verb's complement. Each also reports a that-clause when it has one.
SPEECH_ACT_VERBS_BASE = words(
    """
    accuse applaud blast call condemn criticise criticize decry demand denounce deny describe
    dismiss echo hail label lament laud liken mock note praise promise propose question
    reiterate slam stress tout urge vow
    assail attack bemoan blame congratulate defend deride lambaste rebuke
    """
)
# Verbs that report speech whoever the subject is; the others ("suggest", "confirm", …) report
# speech only from a name, a pronoun or a noun, not from "the data" or "it".
CORE_SPEECH_VERBS = words(
    """
    acknowledge add admit argue claim declare emphasise emphasize explain insist note reply
    respond say state stress tell tweet warn write shout chant yell scream whisper
    """
)
# Verbs whose infinitive did not happen ("failed to report", "declined to say", "wants to
# announce"): the speech verb under them reports nothing.
UNREALISED = words(
    """
    fail fails failed failing refuse refuses refused refusing decline declines declined declining
    want wants wanted wanting plan plans planned planning hope hopes hoped hoping expect expects
    expected expecting intend intends intended intending try tries tried trying seek seeks sought
    seeking prepare prepares prepared preparing
    """
)

# Gender a title or a role noun states about the person it names (tasks/gender.py). Words used
# for either gender ("chairman" for women too, "chair", "spokesperson") are in neither list.
FEMALE_WORDS = words(
    """
    mrs ms miss madam mme dame lady queen princess duchess countess baroness sister nun
    woman women girl mother mom mum wife daughter sister aunt niece grandmother grandma widow
    girlfriend fiancee bride actress waitress hostess heiress spokeswoman chairwoman
    businesswoman congresswoman councilwoman policewoman sportswoman stateswoman
    """
)
MALE_WORDS = words(
    """
    mr sir lord king prince duke baron father monsignor
    man men boy father dad son husband brother uncle nephew grandfather grandpa widower
    boyfriend fiance groom waiter spokesman businessman congressman
    councilman policeman sportsman statesman
    """
)
# Third-person pronouns by the gender they state.
FEMALE_PRONOUNS = words("she her hers herself")
MALE_PRONOUNS = words("he him his himself")
# Words right before a lone first name that say it is a person ("his father, Bill"; "their
# daughters Judy and Jaidaa"; "an official named Jhony"), also after its possessive ("Jim's
# father"). Plurals are matched by the rule.
FIRST_NAME_CUES = words(
    """
    father mother dad mom mum son daughter wife husband brother sister grandson granddaughter
    grandfather grandmother grandma grandpa friend neighbour neighbor boyfriend girlfriend
    partner cousin uncle aunt nephew niece child boy girl baby fiance fiancee stepson
    stepdaughter named
    """
)
