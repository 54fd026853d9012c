"""The patterns of the line filter, one family of boilerplate at a time.

Each is a shape real drops carry (captions and credits, link lists and teasers, comment prompts,
share and subscription lines, reporting credits, timestamps, bylines, the article's own notes)
and that article prose does not take. boilerplate.py decides what to do with a line that matches.
"""

from __future__ import annotations

import re

AGENCIES = (
    r"Reuters|AP|AFP|Getty(?: Images)?|Associated Press|Bloomberg|EPA|Shutterstock|iStock"
    r"|Canadian Press|The Canadian Press|CP|PA|Xinhua|Sipa|Alamy|NurPhoto|Pool|File|Handout"
    r"|dpa|DPA|APA|KNA|epd|PAP|ANSA|EFE|Keystone|Imago|picture alliance|Agencja Gazeta|Europa Press"
)
# A person's name as bylines print it: capitalised words, with the lower-case particles of many
# names between them ("Agnes van der Berg", "Ana de la Cruz").
_PARTICLES = r"(?:van|von|der|den|de|del|della|di|da|das|dos|du|la|le|bin|ibn|al|el|ten|ter)"
_PERSON = rf"[A-Z][\w.'’-]+(?:\s+(?:{_PARTICLES}\s+){{0,2}}[A-Z][\w.'’-]+){{0,3}}"
# "(Khalid al Mousily/Reuters)", "(Photo: Jane Doe/AP)", "(AP Photo/Jane Doe)", "Getty Images"
CREDIT_TAIL = re.compile(
    rf"\((?:(?:Photo|Image|Picture|Credit|File photo)s?:?\s*)?[^()]{{0,80}}"
    rf"(?:/\s*(?:{AGENCIES})[^()]*|(?:{AGENCIES}) Photo[^()]*|Photo[^()]*/[^()]*)\)\s*\.?$",
    re.IGNORECASE,
)
CAPTION_START = re.compile(
    r"^\(?(?:(?:Photo|Photograph|Image|Picture|Credit|Caption|Pictured|File photo|Video|Watch|Foto|Fotos"
    r"|Bild|Bildquelle|Titelbild|Beitragsbild|Imagen|Crédits? photos?|Zdjęcie|Fot\.)"
    r"(?: credits?| courtesy)?\s*[:|]|Open this photo in gallery\b"
    r"|(?:Photo|Picture|Image|Foto)s? (?:by|via|courtesy(?: of)?|from) [A-Z])",
    re.IGNORECASE,
)
# "installation views, photos © Inexhibit, 2018", "Foto: © dpa"
PHOTO_COPYRIGHT = re.compile(
    r"\b(?:photos?|photographs?|images?|pictures?|fotos?|bilder?)\s*(?:by\s*|:\s*)?(?:©|\(c\)|copyright\b)",
    re.IGNORECASE,
)
# "(Kali Madej/ Dixon Hall)", "( Andrew Wallace / Toronto Star )", "Adrian Wyld / The Canadian
# Press Andrew Scheer follows …": a photographer's credit anywhere in a line marks a caption.
CREDIT_ANYWHERE = re.compile(
    r"\(\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}\s*/\s*[A-Z][^()/]{1,40}\)"
    r"|^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s*/\s*(?:The )?(?:Canadian Press|Associated Press|"
    r"Reuters|AFP|Getty Images|Bloomberg|Toronto Star|CBC)\b"
)
# "Annabelle Liang, The Associated Press", "Rachel Gilmore, Power Play producer": a byline line.
BYLINE_LINE = re.compile(
    r"^(?!By )[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3},\s*(?:The )?[\w.'’ -]{0,40}?"
    r"\b(?:Press|Reuters|AFP|Bloomberg|producer|reporter|correspondent|writer|editor|News|Staff)\b"
    r"[\w.'’ -]{0,20}$"
)
# "Tom Vernon has the latest.", "Adam MacVicar has more (Jan. 6, 2019)": a video's lead-in.
VIDEO_LEAD = re.compile(
    r"^.{0,160}\b(?:has|have) (?:more|the latest|the story|details)\b[^.!?]{0,40}[.!?)]?$"
    r"|^As [A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3} reports\b[^,;]{0,40}$"
)
# "… on Friday. AP Photo/Erin Kowalski", "… on Sunday. (Getty Images)": a credit closing a caption.
CREDIT_END = re.compile(
    rf"(?:\b(?:{AGENCIES}) Photo\s*/\s*[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){{0,3}}|\((?:{AGENCIES})\)|\bGetty Images"
    r"|\b(?:REUTERS|AFP|EPA|AP|XINHUA)\s*/\s*[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3})\s*\.?$"
)
# "… in Dunmore on Friday. Photo: Jane Roe/AP": the caption's sentence, then whose picture it is.
CREDIT_AFTER = re.compile(
    r"[.!?]\s+(?:Photo|Photograph(?:er|y)?|Image|Picture|Credit|Foto(?:graf[íi]a|graf)?|Bild|Source"
    r"|Quelle|Fuente|Fonte|Crédit)s?(?: credits?)?\s*:\s*[^.!?]{1,80}$"
    r"|[.!?]\s+(?:(?:Photo|Image|Picture|Foto)s? )?(?:Courtesy(?: of)?|Supplied by|Provided by)\s+[A-Z][^.!?]{0,80}$",
    re.IGNORECASE,
)
# "… near Elm Street. © Jane Roe", "… (Supplied)", "(Photo courtesy The Herald)": whose picture it
# is, after the caption, as a mark or a word that only credits take.
CREDIT_MARK = re.compile(
    r"(?:[.!?]\s*|\s)©\s*[A-Z0-9][^.!?©]{0,60}$"
    r"|\((?:(?:Photo|Image|Picture|Foto)s?\s+)?(?:courtesy|supplied|submitted|handout)\b[^()]{0,60}\)\s*\.?$",
    re.IGNORECASE,
)
CREDIT_LINE = re.compile(
    rf"^(?:[^.!?]{{0,80}}(?:/|\bvia\b)\s*)?(?:{AGENCIES})(?: Photo| Images)?(?:\s*/[^.!?]{{0,60}})?$"
    rf"|^(?:AP|AFP|Reuters) Photo\b.{{0,80}}$",
    re.IGNORECASE,
)

# The rest of a header after its opening words ("More from The Harlow Herald"): a few words, no
# colon or bar, which would make the line a teaser with a headline after it ("Also on N: …").
_LABEL_TAIL = r"[^:|»→]{0,40}"
# Headers of blocks whose following lines are other stories' headlines.
LINK_BLOCK = re.compile(
    rf"^(?:Articles? You May Like|Related(?: Articles?| Stories| Coverage| Content| Links| News| Posts| Topics| Videos| Reading)?"
    rf"|Read (?:More|Next|Also)|More (?:from|on|in|about|News|Stories|Videos)\b{_LABEL_TAIL}|More|You (?:May|Might) Also (?:Like|Enjoy)"
    rf"|Recommended(?: for You| Stories| Reading| Videos)?|Trending(?: Now| Stories)?|Most (?:Read|Popular|Viewed|Shared|Watched)\b{_LABEL_TAIL}"
    rf"|Also (?:Read|on|See|in)\b{_LABEL_TAIL}|See Also|Popular (?:Stories|Now|in|on)\b{_LABEL_TAIL}|Top Stories|Latest (?:News|Stories|Videos)"
    r"|What to Read Next|Further Reading|In Other News|Editor'?s Picks|Don'?t Miss|Must Read|Up Next|Next Up"
    r"|In Case You Missed It|ICYMI|Keep Reading|Explore Further|More to Explore|(?:From|Around) the Web"
    r"|(?:Sponsored|Promoted|Partner) (?:Stories|Links|Content)|Weitere Artikel|Mehr zum Thema|Lesen Sie auch|Auch interessant"
    r"|Das könnte Sie auch interessieren|Leia também|Lea también|Te puede interesar|À lire aussi|Lire aussi"
    rf"|Voir aussi|Leggi anche|Baca juga|Artikel Terkait|Weitere (?:Themen|Artikel|Beiträge|Nachrichten|Meldungen)\b{_LABEL_TAIL}"
    rf"|(?:Empfohlene|Ähnliche|Verwandte|Beliebte) (?:Beiträge|Artikel|Themen)|Top-Themen\b{_LABEL_TAIL}"
    r"|Meist(?:-| )?(?:gelesen|diskutiert|kommentiert)\w*|Kommentierte Artikel|Schon gelesen\?|Zum Weiterlesen"
    r"|Das (?:Thema )?könnte (?:Sie|dich) auch interessieren|(?:Contenido|Notas|Noticias|Artículos) relacionad[oa]s"
    r"|(?:Matérias|Notícias) relacionadas|Articles similaires|Sur le même sujet|Articoli correlati"
    r"|(?:Le|Te) puede interesar|Temas|Czytaj (?:też|także|więcej)|Zobacz (?:też|także)|Powiązane"
    r"|関連記事|相关阅读|相關新聞|관련\s?기사)\s*[:.…]*\s*$",
    re.IGNORECASE,
)
# Words of a short label that point at other stories, in the languages of the drops: "more",
# "other", "also", "related", "latest", "popular", "recommended", "read", "stories", "news"…
# A label with one over headline-shaped lines heads a block, whatever its wording.
OTHER_STORIES = re.compile(
    r"\b(?:more|others?|also|related|latest|popular|recommended|read|reading|stories|articles"
    r"|headlines|news|picks|trending|similar|missed|elsewhere"
    r"|mehr|weitere|auch|ähnliche|interessant|empfohlen\w*|meistgelesen\w*|themen|artikel|nachrichten"
    r"|plus|autres|aussi|lire|lus|sujets?|thèmes?|similaires|actualités"
    r"|más|otras|otros|también|relacionad[oa]s|recomendad[oa]s|leíd[oa]s|noticias|artículos"
    r"|altri|altre|anche|leggi|correlati|notizie|articoli|ook|meer|gerelateerd"
    r"|mais|outras|outros|relacionadas|leia|notícias)\b",
    re.IGNORECASE,
)
# One-line link teasers: "Read more: Some other story", "RELATED: …", "Also on The Herald: …"
# (a teaser word, then at most a site's name, then the headline).
_SITE_NAME = r"(?:\s+(?:on|from|in|at|(?-i:the|The|THE|[A-Z][\w'’&.-]*))){0,5}"
LINK_TEASER = re.compile(
    r"^(?:Read(?: more| next| also)?|Related|See (?:also|more)|Also(?: read| see)?|More|Must read|Don'?t miss"
    r"|Watch(?: below| more| now| live)?|Listen|Click here|Check out|Lesen Sie auch|Auch lesen|Mehr(?: dazu)?"
    r"|Weiterlesen|Leia (?:também|mais)|Veja também|Saiba mais|Lea(?: también| más)?|Lee también|Vea también"
    r"|Ver también|(?:Le|Te) puede interesar|Puedes ver|Mira|Mire|(?:À )?lire aussi|Voir aussi|Leggi anche"
    rf"|Czytaj (?:też|także|więcej)|Zobacz (?:też|także)|Baca juga)(?:\s*[:|»>→-]|{_SITE_NAME}\s*[:|»→])\s*\S",
    re.IGNORECASE,
)
PROMPTS = re.compile(
    r"^(?:Leave a (?:Comment|Reply)\b.*|Your email address will not be published.*"
    r"|Required fields are marked.*|Join the (?:conversation|discussion)\b.*|Comments?\s*(?:\(\d+\))?"
    r"|\d+ Comments?|(?:Add|Post|Show|View|Load|Hide) (?:a |all |the )?comments?\b.*"
    r"|Comment on this (?:story|article)\b.*|Sign in to comment\b.*|Log in to comment\b.*"
    r"|Conversations are opinions of our readers.*|Commenting (?:is|has been) (?:closed|disabled).*"
    r"|We welcome your comments.*|No Links Allowed.*|Tell us what you think\b.{0,40}|Have your say\b.{0,40}"
    r"|Be the first to comment\b.{0,40}|(?:What do you think\?\s*)?Let us know (?:what you think|in the comments)\b.{0,40}"
    r"|We(?: want|'d like|’d like| would like) to hear (?:from you|what you think)\b.{0,60}"
    r"|.{0,80}\bin den Kommentaren\b.{0,40}|.{0,60}\bum (?:einen )?Kommentar\w* zu (?:schreiben|verfassen)\b.{0,20}"
    r"|Sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)\b.{0,40})$",
    re.IGNORECASE,
)
# Lines that open a comment section: after the article, everything below them is comments.
COMMENTS = re.compile(
    r"^(?:(?:\d+|No|One) (?:thoughts?|comments?|responses?|replies|reactions?)(?: (?:on|to)\b.*)?"
    r"|(?:User|Reader|All|Show|View|Load|Read|See) (?:new |all |the )?comments?(?:\s*\(\d+\))?"
    r"|Leave a (?:Reply|Comment|Response)\b.*|(?:Want to )?Join the (?:discussion|conversation)\b.*"
    r"|Join Discussion|Comments? (?:are|is) (?:now )?(?:closed|disabled)\.?|comments powered by Disqus\.?"
    r"|Discussion\s*\(\d+\)|Tinggalkan Balasan|Deixe (?:um comentário|uma resposta)|Deja un comentario"
    r"|Laisser un commentaire|Lascia un commento|Kommentare(?:\s*\(\d+\))?|Kommentar (?:schreiben|verfassen)"
    r"|Keine Kommentare|Kommentare insgesamt:?|No hay comentarios|Sin comentarios|Aucun commentaire|Brak komentarzy"
    r"|Комментарии)\s*$",
    re.IGNORECASE,
)
SOCIAL = re.compile(
    r"^(?:Share(?: this| on| via)?\b.{0,60}|Tweet|Email|Print|Pin(?: it)?|Copy link|Facebook|Twitter|X"
    r"|LinkedIn|WhatsApp|Reddit|Flipboard|Skip (?:to|Advertisement).*"
    r"|(?:Subscribe|Sign up)\b(?:\W+\w+){0,7}\W*|Follow (?:us|me|@)\b.{0,80}|Get (?:our|the) .{0,60}newsletter.*"
    r"|(?:Folgen Sie uns|Folge uns|Suivez-nous|Síguenos|Siga-nos|Seguici|Volg ons)\b.{0,80}"
    r"|Log ?in|Sign ?in|Register|Anmelden|Einloggen|Registrieren|Connexion|Se connecter|Iniciar sesión|Accedi"
    r"|(?:Proudly )?Powered by\b.{0,60}"
    r"|Newsletter sign-up.*|Back to top|Top of page|Next (?:article|story)\b.*|Previous (?:article|story)\b.*"
    r"|(?:Copyright|©|\(c\)).{0,120}|All rights reserved.*|Terms of (?:Use|Service)|Privacy Policy"
    r"|Cookie (?:Policy|Settings)|Contact us|About us|Home(?:\s*[|›>/].*)?"
    r"|(?:Image|Photo|Picture|Slide|Bild|Foto)\s*\d+\s*(?:of|/|von|de)\s*\d+|\d+\s*(?:of|/)\s*\d+|\d+of/\d+"
    r"|Back to (?:Gallery|article)|Caption|Close|Expand|Enlarge|(?:Hide|Toggle) caption|Image|Photo"
    r"|(?:View|Open|Launch|Show) (?:the )?(?:gallery|slideshow|photos?|images?)|Next|Previous|Prev"
    r"|Play(?: video)?|Replay|Loading\W*|Teilen|Drucken|Compartir"
    r"|Partager|Compartilhe|Bagikan|(?:Teilen|Share|Compartir|Partager)(?: mit| with| en| sur)?\s*:"
    r"|Wird geladen\W*|Bild anzeigen|Beitragsbild|Titelbild|Image illustrative|PDF)$",
    re.IGNORECASE,
)
# Social networks and messengers by name: the buttons of a share bar name them.
NETWORK = re.compile(
    r"(?:Facebook|Twitter|LinkedIn|WhatsApp|Reddit|Flipboard|Pinterest|Telegram|Instagram|YouTube"
    r"|TikTok|Bluesky|Mastodon|Snapchat|Tumblr|Xing|Weibo|WeChat)[:,.!]?"
)
# An aside in parentheses, which a button's label may carry: "(Opens in new window)".
ASIDE = re.compile(r"\([^()]{0,40}\)")
# The words a button puts before a network: "Share on", "Auf … teilen", "Condividi su".
NETWORK_PREPOSITIONS = frozenset(
    (
        "on",
        "auf",
        "sur",
        "su",
        "en",
        "em",
        "op",
        "via",
        "na",
        "w",
        "with",
        "mit",
        "avec",
        "con",
        "com",
        "per",
    )
)
# What a reader can do with the page itself: "Listen to this article", "Partager cet article",
# "Save article", "Copy URL", "Link copied!", "Send to a friend".
_PAGE = (
    r"(?:article|story|post|page|link|url|artikel|beitrag|seite|art[íi]culo|noticia|nota|not[íi]cia"
    r"|mat[ée]ria|articolo|notizia|pagina|p[áa]gina|bericht)"
)
_THIS = r"(?:this|cet|cette|ce|dit|deze|diesen|dieses|diese|esta|este|essa|esse|questo|questa)"
# What languages that put the verb last do with it: "Diesen Artikel teilen", "Artikel delen".
_VERB_AFTER = (
    r"(?:teilen|drucken|speichern|merken|versenden|vorlesen|anhören|kopieren|empfehlen|delen"
    r"|printen|opslaan|bewaren)"
)
PAGE_ACTION = re.compile(
    rf"^(?:[\w'’-]+\s+){{0,3}}{_THIS}\s+{_PAGE}(?:\s+{_VERB_AFTER})?\s*[!:]?$"
    rf"|^(?:save|copy|print|e-?mail|share|send|gift|bookmark|embed)\s+(?:the\s+)?{_PAGE}$"
    rf"|^{_PAGE}\s+(?:copied|kopiert|copié|copiado|copiato|{_VERB_AFTER})\s*!?$"
    r"|^(?:[\w'’-]+\s+){0,2}(?:to|an|à|a)\s+(?:a|einen|une?|un|uma?)\s+(?:friend|Freund|amie?|amig[oa])$",
    re.IGNORECASE,
)
# "Advertisement", "Ad", "Anzeige", "Advertisement - scroll to continue", "Content continues
# below": where an advertisement was, in the words of any language.
AD_MARK = re.compile(
    r"^(?:Ads?|Advert(?:isement|ising)?|Sponsored(?: (?:content|post|story|links?))?|Promoted"
    r"|Paid (?:content|post|partnership)|Anzeige|Werbung|Publicidad|Publicidade|Publicité"
    r"|Pubblicità|Reclame|Advertentie|Annons|Reklam[ae])(?:\s*[-–—:|·•]\s*[^.!?]{0,40})?$"
    r"|^(?:[\w'’]+\s+){0,2}(?:continues?|resumes?)\s+(?:below|after|under)"
    r"(?:\s+(?:the\s+|this\s+)?(?:ad|ads|advert\w*|sponsored\s+\w+|message|break))?$",
    re.IGNORECASE,
)
# Accounts and sign-in: "Already have an account? Log in", "You must be logged in to …", "Sign
# in or create a free account": the site asking, in a line of its own.
ACCOUNT = re.compile(
    r"^(?:Already|Don'?t|Do not) (?:have|got) an? (?:\w+ )?account\b|^Already (?:a (?:member|subscriber)|registered)\b"
    r"|\b(?:must|need to|have to) be (?:logged|signed) in\b|\b(?:log|sign) ?in or (?:create|register|sign up|subscribe)\b"
    r"|^(?:log|sign) ?in (?:to|or)\b|\bcreate an? (?:free )?account\b",
    re.IGNORECASE,
)
ACCOUNT_WORDS = ("account", "already", "logged", "signed", "log in", "sign in", "login")
# Newsletters, apps and subscriptions asked for in other words or languages: "Enter your email
# address to …", "Get … with the N app", "… straight to your inbox", "Jetzt abonnieren".
# (SIGN_UP opens the line, ASKS_TO_SIGN_UP is anywhere in it and needs a SIGN_UP_WORDS word.)
SIGN_UP = re.compile(
    r"(?:Get|Download|Install|Try)\b.{0,100}\b(?:apps?|newsletters?|alerts|notifications)\b"
    r"|^(?:(?:now|jetzt|maintenant|ahora|ora|agora|nu)\s+)?(?:subscribe|abonnieren|abonnez-vous|abonne-toi"
    r"|suscr[ií]b(?:ete|ase|ite|irse)|abbonati|abbonarsi|assine|inscreva-se|abonneer)\b(?:\W+\w+){0,6}\W*$"
    r"|^(?:\w+\s+){0,2}(?:abonnieren|abonneren|abonner|suscribirse|abbonarsi)\s*!?$",
    re.IGNORECASE,
)
ASKS_TO_SIGN_UP = re.compile(
    r"\b(?:enter|type|submit|add|leave|provide) (?:your|an?) e-?mail\b"
    r"|\b(?:straight|directly|right) (?:to|in|into) your (?:inbox|phone|device|mobile|mailbox)\b",
    re.IGNORECASE,
)
SIGN_UP_WORDS = ("mail", "to your", "in your")
# The word "comment" in the languages of the drops.
_COMMENT = (
    r"(?:comments?|commentaires?|comentarios?|coment[áa]rios?|commenti|commento|kommentar\w*"
    r"|komentarz\w*|commentaar|reacties|reactie|réagir|reagieren|comentar|commenter|kommentieren)"
)
# "Comentarios", "Deja tu comentario", "Jetzt kommentieren", "Reader comments (12)": a short
# line about comments that ends like no sentence.
COMMENT_LABEL = re.compile(
    rf"^(?:[\w'’]+\s+){{0,2}}{_COMMENT}(?:\s+[\w'’]+)?\s*(?:\(\d+\))?\s*[:!]?$", re.IGNORECASE
)
# "Comments are moderated and may take a while to appear", "Kommentare werden vor der
# Veröffentlichung geprüft": the rules of a comment section.
COMMENT_RULES = re.compile(
    rf"\b{_COMMENT}\b.{{0,80}}\b(?:moder(?:at|ac|é)\w*|geprüft|freigeschaltet|civil|guidelines|community standards"
    r"|may take (?:a while|some time) to appear|vor der Veröffentlichung"
    r"|before (?:they are |being )?(?:published|posted|approved))",
    re.IGNORECASE,
)
# Lower-cased, a line COMMENT_RULES can match has one of these.
COMMENT_WORDS = ("comment", "coment", "kommentar", "komentar", "reacti", "réagi", "reagier")
# The fields of a comment form, marked required: "Name *", "Email *".
FORM_FIELD = re.compile(
    r"^(?:Your )?(?:Name|E-?mail(?: address)?|Website|Comment|Message|Nom|Nombre|Correo(?: electrónico)?"
    r"|Courriel|Kommentar|Webseite|Nome|Sito web)\s*\*\s*$",
    re.IGNORECASE,
)
# Newsletters, subscriptions, apps, "follow us", "contact the reporter": the outlet talking, not
# the story. Lines with quote marks are never matched: a person quoted saying it is news.
PROMO = re.compile(
    r"\b(?:newsletters?|briefing|alerts|digest)\b.{0,100}\b(?:sign(?:ing)? ?up|subscrib\w*|inbox|deliver\w*)\b"
    r"|^(?:Subscribe|Sign up)(?: now| today| here)?(?: to| for)? (?:our|get|receive|free|a free)\b"
    r"|\b(?:sign(?:ing)? ?up|subscrib\w*|deliver\w*)\b.{0,100}\b(?:newsletters?|briefing|alerts|digest|letterbox|mailbox)\b"
    r"|\byour inbox\b|^[\w'’&+., -]{0,40}\bNewsletters?$|^Thanks for (?:signing up|subscribing)\b"
    r"|\berror processing your subscription\b|\balready a subscriber\b|\bsubscri\w+\b.{0,100}\b(?:for as little as"
    r"|use (?:the )?(?:promo |discount )?code|free trial)\b|^To (?:view|read|continue reading) (?:the|this) "
    r"(?:full )?(?:story|article)\b|\b\d+ issues for\b|^If you (?:enjoyed|liked|value|appreciate) (?:this|our|reading)\b"
    r"|^(?:Join|Become) (?:a |an )?(?:\w+ )?(?:member|subscriber|supporter|patron|insider)s?\b"
    r"|^Support (?:our|independent|local|quality) journalism\b"
    r"|^Follow (?:the )?(?:\w+['’]s )?(?:full |complete |live |all |our )?coverage\b"
    r"|\b(?:may|can) be (?:reached|contacted) at\b|^(?:Have|Got) a (?:news )?tip\b"
    r"|^(?:Contact|Email|E-mail|Reach) (?:the )?(?:author|reporter|writer|newsroom)\b"
    r"|^(?:Listen|Watch) (?:to )?[\w'’ ]{0,40}\b(?:live|again|back|now|podcast|on demand)\b.{0,80}$"
    r"|\b(?:download|get) (?:the|our) .{0,40}\bapps?\b|\bletters? to the editor\b"
    r"|^Click here to (?:subscribe|sign up|register)\b"
    r"|\bcopyrighted (?:property|material)\b|\bpermission must be obtained\b"
    r"|\bmay not be (?:published|reproduced|reprinted|redistributed|rewritten)\b|\bzum Newsletter\b",
    re.IGNORECASE,
)
# Words one of PROMO's alternatives needs (lower-cased): a line with none of them cannot match,
# and a substring test costs far less than the pattern (boilerplate.classify asks this first).
PROMO_WORDS = (
    "newsletter", "briefing", "alerts", "digest", "subscri", "sign", "deliver", "inbox",
    "thanks for", "to view", "to read", "to continue", "issues for", "if you", "join", "become",
    "journalism", "coverage", "reached", "contacted", "have a", "got a", "author", "reporter",
    "writer", "newsroom", "listen", "watch", "download", "get the", "get our", "to the editor",
    "click here", "copyrighted", "permission", "may not be",
)  # fmt: skip
FOLLOW = re.compile(
    r"\bFollow (?:us|me|him|her|them|[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}) (?:on|at|via) "
    r"(?:Twitter|Facebook|Instagram|LinkedIn|YouTube|TikTok|Threads|Bluesky|Mastodon|Google News|Flipboard|@)"
)
# "… amid China turmoil [VIDEO]": a headline marked with what the link leads to.
MEDIA_TAG = re.compile(
    r"\[(?:VIDEO|Video|PHOTOS?|Photos?|PICTURES|Pictures|GALLERY|Gallery|INSIGHT|REACTION|POLL|LIVE|Live"
    r"|PODCAST|Podcast|AUDIO|Audio|WATCH|Watch)\]\s*\|?$"
)
# "Filed under: Politics |", "Tags: a, b", "Schlagwörter: …": the site's index, not the story.
TAGS = re.compile(
    r"^(?:Filed (?:under|in)|Posted (?:in|under)|Tags?|Tagged(?: with| as| in)?|Topics?|Categories|Category"
    r"|Keywords|Schlagw(?:ö|o)rte?r?|Stichw(?:ö|o)rter|Themen|Kategorien?|Rubrik|Etiquetas|Tópicos|Étiquettes"
    r"|Mots-clés|Etykiety|Tagi)\s*:.*$",
    re.IGNORECASE,
)
READING_TIME = re.compile(
    r"^(?:(?:Estimated )?(?:Reading time|Read time|Lesezeit|Lesedauer|Tempo de leitura|Tiempo de lectura"
    r"|Temps de lecture)\s*:?\s*)?(?:about |approx\.?\s*|ca\.\s*|~\s*)?\d+(?:\s*[-–]\s*\d+)?\s*"
    r"(?:min(?:ute)?s?\.?|minutos?|minuten)(?:\s+(?:read|de leitura|de lectura|Lesezeit|Lesedauer|lesen))?\.?$",
    re.IGNORECASE,
)
# "SOURCE: Al Jazeera News", "Quelle: dpa": the wire or agency line under a story.
SOURCE = re.compile(r"^(?:SOURCES?|Sources?|Quellen?|Fonte|Fuente)\s*:\s*[^.!?]{1,80}$")
# "[button link=…] Send us your review[/button]": a CMS shortcode that was never rendered.
SHORTCODE = re.compile(r"\[/[a-z_-]+\]|^\[[a-z_-]+ [a-z_-]+=")
IMAGE_ADDRESS = re.compile(r"^https?://\S+\.(?:jpe?g|png|gif|webp|svg)(?:\?\S*)?$", re.IGNORECASE)
CONTRIBUTED = re.compile(
    r"^\(?(?:[—–-]\s*)?(?:.{0,80}\bcontributed (?:to )?(?:this )?(?:report|reporting|story)\b.{0,40}"
    r"|(?:(?:With )?[Aa]dditional [Rr]|With [Rr]|R)eporting by\b.{0,200}|Writing by\b.{0,120}"
    r"|Editing by\b.{0,120}|Compiled by\b.{0,120}|With (?:files|reporting) from\b.{0,120}"
    r"|Contributing(?: writers?| reporters?)?:\s*[A-Z].{0,120})\)?\.?$",
)
# "N reported from Kyiv.", "N is a reporter for The Herald.", "Material from N was used in this
# report.", "Mit Material von N", "Avec N", "This story was produced in partnership with N":
# who made the story, in a line of its own.
REPORTING_CREDIT = re.compile(
    rf"^{_PERSON}(?:\s+and\s+{_PERSON})? (?:reported|wrote|filed)(?: this (?:story|report))? from\b[^.!?]{{0,60}}\.?$"
    rf"|^{_PERSON} is (?:a|an|the) (?:[\w-]+ ){{0,4}}(?:reporter|writer|correspondent|editor|journalist"
    r"|columnist|contributor|photographer|producer|intern|fellow)\b(?: (?:for|at|with|on|of) [^.!?]{0,60})?\.?$"
    r"|^(?:(?:With|Mit|Con|Com|Avec|Met)\s+)?(?:(?:[Aa]dditional )?[Mm]aterial|[Ii]nformation(?:en)?|[Ii]nformación"
    r"|[Ii]nformações|[Ii]nformazioni|Agenturmaterial)\s+(?:from|von|de|di|der|des|van)"
    r"\s+(?:(?:the|la|el|los|las|le|les|l'|der|die|das|a|o|da|do)\s*)?[A-Z][^.!?]{0,60}\.?$"
    r"|^(?:Avec|Con|Com|Met|With)\s+[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}$"
    r"|^This (?:story|article|report|piece|project|series|content|coverage) (?:was|is) (?:[\w-]+ ){0,3}"
    r"(?:in partnership|in collaboration|in cooperation|with (?:support|funding|help)"
    r"|(?:produced|published|reported|written|funded|supported|made possible) (?:by|with|for|through))\b"
    r"[^.!?]{0,100}\.?$"
)
MATERIAL_USED = re.compile(r"\b(?:was|were) used in this (?:report|story|article)\b")
TIMESTAMP_LABEL = (
    r"(?:Updated|Published|Posted|Last updated|Last modified|Modified|(?:First|Originally) published"
    r"|Release date|Date"
    r"|Aktualisiert|Veröffentlicht|Letzte Änderung|Stand|Publicado|Actualizado|Publié|Mis à jour)"
    r"(?: on| at| am| el| le)?\s*:?"
)
MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Januar|Februar|März|Mai|Juni|Juli|Oktober"
    r"|Dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|janvier|février|mars|avril|juin|juillet|août|octobre|novembre|décembre)[a-z]*\.?"
)
# A line that is only a date and/or time, with or without "Updated", in the usual spellings.
TIMESTAMP = re.compile(
    rf"^(?:{TIMESTAMP_LABEL}\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)[a-z]*,?\s*)?"
    rf"(?:(?:\d{{1,2}}\.?\s(?:de\s)?)?{MONTH}\s*(?:de\s)?\d{{0,2}},?\s*(?:de\s)?\d{{0,4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4})?[,|\s-]*(?:at\s*|um\s*|às\s*)?"
    r"(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|Uhr|h)?\s*(?:[A-Z]{2,4})?)?\s*$"
    rf"|^(?:{TIMESTAMP_LABEL}\s*)?\d+ (?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?) ago$"
    r"|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
TIMESTAMP_ALONE = re.compile(rf"^{TIMESTAMP_LABEL}\s*$", re.IGNORECASE)
# "By Jane Roe", "BY JANE ROE", "Words by …", and the word for "by" in other languages.
BYLINE = re.compile(
    r"^(?:(?:Written|Story|Words|Text|Reported) )?(?:[Bb]y|BY|Von|VON|Par|PAR|Por|POR|Door|Przez)\s+"
    rf"({_PERSON}(?:\s*(?:,|and|und|et|y|e|&)\s*{_PERSON})*)"
    r"(?:\s*[,|–—-]\s*.{0,60})?$"
)
# The sections newspapers file stories under, in the languages of the drops: a short line of
# these words above an article is its section label, even when the story names one of them
# ("Health" over a story quoting the Department of Health).
SECTION_WORDS = frozenset(
    (
        "news", "world", "us", "uk", "local", "national", "nation", "international", "metro",
        "region", "regional", "politics", "business", "economy", "money", "markets", "finance",
        "sport", "sports", "opinion", "opinions", "comment", "culture", "arts", "entertainment",
        "lifestyle", "life", "living", "health", "science", "tech", "technology", "weather",
        "travel", "food", "style", "education", "environment", "climate", "crime", "obituaries",
        "religion", "autos", "real", "estate", "video", "photos", "podcasts", "breaking",
        "latest", "top", "stories", "home", "features",
        "lokales", "politik", "wirtschaft", "kultur", "panorama", "wissen", "gesundheit",
        "nachrichten", "actualités", "économie", "société", "monde", "santé", "nacional",
        "internacional", "deportes", "economía", "cultura", "salud", "mundo", "noticias",
        "política", "esportes", "saúde", "notizie", "cronaca", "esteri",
    )
)  # fmt: skip
# "Staff Reports", "From wire reports": the article's credit when no one signs it (the line names
# no person, so there is no byline to move into the metadata).
COLLECTIVE_CREDIT = re.compile(
    r"^(?:From )?(?:Staff|Wire|News|Agency|Bureau)(?: and (?:Staff|Wire|Agency))? (?:Reports?|Services?)$",
    re.IGNORECASE,
)
NOTE = re.compile(
    r"^(?:\[?(?:Editor['’]?s? ?Note|Correction|Clarification|Update|Updated|Editor['’]s Update)\]?\s*[:.\]-]"
    r"|\[(?:Updated|Update|Corrected)[^\]]*\]"
    r"|This (?:article|story|post) (?:has been|was) (?:updated|corrected|amended)\b)",
    re.IGNORECASE,
)
UPDATED_MARK = re.compile(r"\s*\[(?:Updated|Update|Corrected)[^\]]*\]\s*", re.IGNORECASE)
PROSE_END = re.compile(r"[.!?…。！？][\"'”’)\]」』*]*$")
# A quotation of three words or more: someone said it, so it is news, whatever it says.
# (Written so that the engine does not backtrack: a word run and a space, twice, then the close.)
QUOTED = re.compile(r"[“\"](?:[^”\"\s]*\s){2}[^”\"]*[”\"]")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# "5:45 AM PST 11/19/2019 by Jane Roe": a timestamp in front of a byline.
DATE_PREFIX = re.compile(
    r"^[\d/:.,\- ]+(?:[AP]\.?M\.?)?(?: [A-Z]{2,4})?[\d/:.,\- ]*(?=by )", re.IGNORECASE
)
