#!/usr/bin/env python3
"""Writes models/training_data.jsonl: GitLab-shaped labelled items for the
default spam model, {"label", "item", "signals", "weight", "family"} in the
shapes the fetch and trust stages produce (src/gitlab/item.h,
trust/account_signals.h). "family" is the spam family or the ordinary item's
kind (only projects and groups have one): `train --folds-by family` keeps
a family within one of the combiner's folds (src/classify/trainer.h), and
bench/family-holdout holds whole families out.

Deterministic (seeded). Texts are composed from parts (openers, claims,
calls to action, contact lines, links, sign-offs), each with many wordings,
so that the model learns what spam *does* (sends you off-site, to a phone
number, to a messenger; repeats a keyword; hides a link) rather than one
template's words. Spam families: SEO and backlink profiles (plausible bios,
one link), website-only profiles, customer-care phone scams (numbers spelt
with look-alike digits and separators), crypto recovery and "hire a hacker",
essay and homework services, pharmacy, casino and slot spam in Indonesian,
Vietnamese, Chinese, Russian, Arabic, Portuguese and Spanish, IPTV,
streaming-movie pages, cracked software, escort and dating, loans, fake
reviews and account selling, job and task scams, link-farm projects and
groups, hidden and obfuscated links, on-topic comments with one link, chat
and comment spam in eleven languages (remote jobs, signals, giveaways,
"subscribe to my channel"; half with a contact, half words alone).
Near-duplicates appear only as campaigns: several accounts posting one text.

Ham includes the hard cases: personal sites and links in bios, agencies and
consultants, vendors' staff, payment/crypto/betting-odds libraries,
marketing-heavy READMEs with badges, SEO tools, game studios, IPTV players
for one's own playlists, pharmacy software, logs full of URLs, phone numbers
in runbooks and tests, defanged phishing URLs in security advisories,
non-English bug reports, dependency-update merge requests, empty profiles.

Account signals as the pipeline sees them: a user item is classified when it
signs up (age about 0), content items carry their author's age and e-mail
when the fetch stage knows them, and half carry nothing (an embedded author
object, as `spamphibian evaluate` sees API objects)."""
import os
import sys
import json
import random

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foreign_text  # noqa: E402

rng = random.Random(int(os.environ.get("TRAINING_DATA_SEED", "20261128")))
C = rng.choice

def maybe(p, s, alt=""):
    return s if rng.random() < p else alt

SYL = ["ka", "lo", "mi", "ra", "te", "zu", "no", "be", "shi", "po", "an", "el", "or", "ix", "qu", "dan", "vel", "mar", "tis", "gon", "ri", "sa", "lu", "ven"]
def word(n=None):
    return "".join(C(SYL) for _ in range(n or rng.randint(2, 3)))

FIRST = ["anna", "ben", "chen", "diego", "emma", "farah", "goran", "hana", "ivan", "julia", "kofi", "lea", "mateo", "nina", "omar", "priya", "quinn",
         "rafael", "sofia", "tomas", "uma", "vikram", "wei", "ximena", "yusuf", "zoe", "li", "minh", "dewi", "budi", "olga", "ahmed", "joao", "lucas",
         "sara", "kenji", "ayse", "marco", "ines", "tuan", "siti", "pavel", "layla", "carlos", "emily", "james", "michael", "jessica", "david", "sarah"]
LAST = ["smith", "muller", "garcia", "nguyen", "wang", "kowalski", "rossi", "silva", "santos", "ivanova", "haddad", "okafor", "tanaka", "yilmaz",
        "dubois", "jensen", "novak", "pratama", "tran", "khan", "brown", "carter", "wilson", "lee", "martin", "lopez", "schmidt", "sato"]

def username(spammy=False):
    f, l = C(FIRST), C(LAST)
    forms = [f + l, f + "." + l, f + "_" + l, f[0] + l, f + str(rng.randint(1, 99)), l + f[0], f + "-" + l, word()]
    if spammy:
        forms += [f + l + str(rng.randint(100, 9999)), f + "_" + l + str(rng.randint(10, 99)), word() + str(rng.randint(10, 999))]
    return C(forms)

def display_name(u):
    parts = [p for p in u.replace(".", " ").replace("_", " ").replace("-", " ").split() if p.isalpha()]
    return " ".join(p.title() for p in parts) if parts else u

# --- domains and links ------------------------------------------------------
SPAM_TLDS = ["com", "com", "net", "xyz", "top", "click", "shop", "pw", "bet", "vip", "ws", "site", "online", "club", "icu", "live", "info",
             "store", "in", "co", "me", "org", "io", "link", "pro", "cc", "tk", "ru", "vn", "id", "co.id", "com.br", "com.vn", "com.mx"]
HAM_TLDS = ["dev", "io", "org", "com", "net", "de", "ch", "fr", "se", "jp", "nl", "me", "blog", "codes", "co.uk", "com.au", "pl", "cz", "fi", "es", "it"]
SHORT = ["bit.ly", "tinyurl.com", "cutt.ly", "t.ly", "rb.gy", "is.gd", "s.id", "shorturl.at"]

def domain(stem, tlds):
    sep = C(["", "-", ""])
    return f"{stem}{sep}{C(['', word(2), str(rng.randint(1, 99)), 'hub', 'pro', 'online', 'now', 'best', 'top', 'official', 'usa', 'id'])}.{C(tlds)}".replace("-.", ".")

def path():
    return C(["", "/", "/" + word(), "/" + word() + "-" + word(), "/?ref=" + word(), "/" + word() + ".html", "/go/" + str(rng.randint(1, 999)),
              "/blog/" + "-".join(word() for _ in range(rng.randint(2, 4))), "/product/" + word()])

def url(dom, scheme=None):
    return (scheme or C(["https://", "https://", "http://", "https://www."])) + dom + path()

def obfuscate(u):
    k = rng.random()
    if k < 0.2: return u.replace("https://", "hxxps://").replace("http://", "hxxp://")
    if k < 0.4: return u.replace(".", "[.]", 2)
    if k < 0.5: return u.replace(".", " (dot) ", 1).replace("https://", "").replace("http://", "")
    if k < 0.6: return u.replace(".", "\u200b.", 1)
    if k < 0.7: return u.replace(".", " . ")
    if k < 0.8: return u.replace("https://", "").replace("http://", "")
    return u

def spam_link(dom, text=None):
    u = url(dom)
    k = rng.random()
    if k < 0.35: return u
    if k < 0.5: return obfuscate(u)
    if k < 0.65: return f"[{text or C(['click here', 'visit', 'official site', 'here', dom])}]({u})"
    if k < 0.72: return f'<a href="{u}">{text or dom}</a>'
    if k < 0.78: return f"[]({u})"
    if k < 0.83: return f'<div style="{C(["font-size:0", "display:none", "position:absolute;left:-9999px", "opacity:0"])}"><a href="{u}">{text or word()}</a></div>'
    if k < 0.9: return "https://" + C(SHORT) + "/" + word()
    return C(["wa.me/", "t.me/"]) + (str(rng.randint(10**9, 10**10)) if rng.random() < 0.5 else word())

# --- phone numbers, plain and disguised -------------------------------------
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
MATH = [chr(0x1D7CE + i) for i in range(10)]
def phone(disguise=0.5):
    n = C(["1{}{}{}{}".format(C(["800", "888", "877", "866", "855", "844"]), "", rng.randint(200, 999), rng.randint(1000, 9999)),
           "44 7700 {}{}".format(rng.randint(100, 999), rng.randint(100, 999)), "91 98{} {}".format(rng.randint(100, 999), rng.randint(10000, 99999)),
           "62 812 {} {}".format(rng.randint(1000, 9999), rng.randint(1000, 9999)), "971 50 {} {}".format(rng.randint(100, 999), rng.randint(1000, 9999))])
    digits = "".join(ch for ch in n if ch.isdigit())
    fmt = C(["+{} ({}) {}-{}", "+{}-{}-{}-{}", "{} {} {} {}", "+{}.{}.{}.{}"])
    groups = [digits[:1], digits[1:4], digits[4:7], digits[7:]]
    s = fmt.format(*groups)
    if rng.random() < disguise:
        k = rng.random()
        if k < 0.25: s = "".join(CIRCLED[int(ch)] if ch.isdigit() else ch for ch in s)
        elif k < 0.45: s = "".join(MATH[int(ch)] if ch.isdigit() else ch for ch in s)
        elif k < 0.65: s = "~".join(groups)
        elif k < 0.8: s = s.replace("800", "8OO").replace("0", "O", 1)
        else: s = " ".join(s)
    return s

# --- spam families -----------------------------------------------------------
BRANDS = ["QuickBooks", "Delta Airlines", "Coinbase", "Norton", "Outlook", "Cash App", "Binance", "Epson printer", "Geek Squad", "Trust Wallet",
          "Lufthansa", "Expedia", "HP printer", "McAfee", "Kraken", "PayPal", "Venmo", "Sage 50", "Turbo Tax", "Facebook", "Spirit Airlines", "Emirates"]
SOFTWARE = ["Microsoft Office 2026", "Adobe Photoshop", "Windows 11 Pro", "FL Studio", "AutoCAD", "IDM", "Wondershare Filmora", "CorelDRAW",
            "Ableton Live", "Sony Vegas", "GTA V", "Minecraft", "Revo Uninstaller", "Camtasia", "Nitro PDF", "Avast Premium", "Fortnite", "Roblox"]
CITIES = ["Dubai", "Austin", "London", "Jakarta", "Mumbai", "Toronto", "Sydney", "Manila", "Lagos", "Karachi", "Delhi", "Miami", "Berlin", "Paris"]
SERVICES = ["roofing", "plumbing", "carpet cleaning", "movers", "pest control", "dental clinic", "web design", "seo agency", "locksmith",
            "hvac repair", "interior design", "car rental", "limo service", "solar panels", "hair salon", "wedding photography", "tree removal",
            "kitchen remodeling", "window cleaning", "personal injury lawyer", "divorce attorney", "real estate", "mortgage broker", "cosmetic surgery",
            "hair transplant", "teeth whitening", "yoga studio", "dog grooming", "catering", "event planning", "travel agency", "visa consultancy",
            "immigration lawyer", "bail bonds", "junk removal", "garage door repair", "flooring", "painting contractor", "landscaping", "pool cleaning",
            "furniture store", "mattress store", "jewelry store", "bridal shop", "fashion boutique", "skin care clinic", "weight loss clinic", "chiropractor",
            "physiotherapy", "home tutoring", "driving school", "digital marketing", "social media marketing", "video production", "printing services",
            "packaging boxes", "custom t-shirts", "office furniture", "used cars", "auto detailing", "tow truck", "scrap metal", "water damage restoration"]
LIFESTYLE = ["home decor", "small-space living", "travel", "fashion", "skincare", "parenting", "pets", "gardening", "recipes", "fitness", "personal finance",
             "wedding ideas", "beauty tips", "outdoor gear", "coffee", "camping", "budget travel", "minimalism", "DIY crafts", "healthy eating"]

def lifestyle_bio():
    topic = C(LIFESTYLE)
    return " ".join(x for x in [
        C([f"{C(['Lifestyle', 'Travel', 'Food', 'Fashion', 'Mom', 'Outdoor'])} blogger", f"Writer and {topic} enthusiast", f"I write about {topic} and {C(LIFESTYLE)}",
           f"{C(FIRST).title()} here! Sharing {topic} tips", f"Content creator, {topic}", f"Passionate about {topic}"]) + C([".", "!", " ☕", " ✨", " 🌿"]),
        maybe(0.7, C([f"New post every week on my blog.", f"Check out my latest guide on {topic}.", "Coffee addict, plant lover.", "Based in " + C(CITIES) + ".",
                      f"Read my {topic} reviews.", "Affiliate links may earn me a commission."]))] if x)

def seo_profile_bio(svc, city):
    if rng.random() < 0.3: return lifestyle_bio()
    return " ".join(x for x in [
        C([f"{svc.title()} experts in {city}", f"Family-owned {svc} company serving {city}", f"Leading {svc} provider in {city} since {rng.randint(1995, 2020)}",
           f"We offer professional {svc} services", f"Affordable {svc} in {city} and nearby areas", f"Top rated {svc} {city}",
           f"{svc.title()} | {city} | free quotes", f"Your trusted local {svc} team", f"{C(FIRST).title()} here, I write about {svc} and home tips"]) + C([".", "!", " -", ""]),
        maybe(0.6, C(["Free estimates.", "Call today for a free quote.", "Licensed and insured.", "Same-day service available.", "Best prices guaranteed.",
                      "Visit our website to learn more.", "24/7 emergency service.", "Book online now!", "Check out my latest post."])),
        maybe(0.3, C(["Call " + phone(0.1), "WhatsApp " + phone(0.2)]))] if x)

def care_text(brand):
    p = phone(0.6)
    return " ".join(x for x in [
        C([f"{brand} customer care number {p}", f"{brand} support phone number {p}", f"Call {p} for {brand} help", f"{brand} helpline {p}",
           f"How do I contact {brand} support? Call {p}", f"{brand} refund number {p}", f"☎ {brand} 24/7 toll free {p}", f"{brand} error fix call {p}",
           f"Does {brand} have a 24 hour number? Yes, dial {p}"]),
        maybe(0.7, C([f"Our {brand} experts are available 24/7.", "Toll free, call now!", f"Get instant help for {brand} login, billing and refund issues.",
                      "Talk to a live agent.", f"{brand} payroll support, {brand} error help, {brand} desktop support.", "No wait time."])),
        maybe(0.4, f"{brand} support {p} {brand} support {p}")] if x)

def crypto_text():
    return " ".join(x for x in [
        C(["I lost $" + str(rng.randint(20, 900)) + "k in a fake investment platform", "Recover your lost bitcoin, USDT and ETH",
           "Have you been scammed by a crypto broker?", "Hire a genuine hacker to recover stolen crypto", "My wallet was drained last month",
           "CRYPTO RECOVERY EXPERTS", "Legit funds recovery service", "I want to recommend a recovery expert who helped me"]),
        C(["They got all my money back within 48 hours.", "Contact them on WhatsApp " + phone(0.2) + ".", "Email recovery" + word(1) + "@" + C(["gmail.com", "proton.me", "outlook.com"]),
           "100% guaranteed results.", "Don't give up, reach out to them.", "They also fix credit scores and spy on cheating partners."]),
        maybe(0.5, C(["Telegram @" + word() + "_recovery", "t.me/" + word() + "recovery", "Visit " + url(domain(C(["cryptorecovery", "fundsback", "hackrecovery"]), SPAM_TLDS))]))] if x)

def essay_text():
    return " ".join(x for x in [
        C(["Buy essay online cheap", "Need help with your assignment?", "Write my essay for me", "Professional dissertation writing service",
           "Do my homework for money", "Top essay writers available 24/7", "Get your research paper done by experts", "Pay someone to take my online class"]),
        C(["Plagiarism free, on time.", "Top grades guaranteed.", "Use code SAVE20 for 20% off.", "Native English writers.", "Order now and relax.",
           "We cover nursing, law, MBA and engineering.", "Confidential and affordable."]),
        maybe(0.8, spam_link(domain(C(["essay", "paperhelp", "assignmentpro", "writemy", "homework"]), SPAM_TLDS)))] if x)

def pharma_text():
    drug = C(["viagra", "cialis", "tramadol", "xanax", "oxycodone", "adderall", "ivermectin", "phentermine", "keto gummies", "cbd oil", "ozempic", "modafinil"])
    return " ".join(x for x in [
        C([f"Buy {drug} online without prescription", f"Cheap {drug} overnight delivery", f"Order {drug} online no rx", f"{drug.title()} for sale, discreet shipping",
           f"Where to buy {drug} online safely", f"{drug.title()} 100mg best price", f"comprar {drug} sin receta", f"beli {drug} asli murah"]),
        C(["Fast shipping worldwide.", "Pay with crypto.", "100% genuine pills.", "No prescription needed!", "Discount for bulk orders.", "FDA approved pharmacy."]),
        maybe(0.8, spam_link(domain(C(["rxpharma", "meds", "pillshop", "pharmacy", "healthstore"]), SPAM_TLDS)))] if x)

CASINO = {
    "id": ["Situs slot gacor hari ini gampang menang", "Daftar slot online terpercaya", "Link alternatif slot88 terbaru", "Bocoran pola slot maxwin malam ini",
           "Agen judi bola dan togel online", "Slot deposit pulsa tanpa potongan", "Bonus new member 100% di awal", "Login {b} resmi anti rungkad"],
    "vi": ["Nhà cái uy tín số 1 Việt Nam", "Đăng ký nhận thưởng 100k miễn phí", "Link vào {b} mới nhất không bị chặn", "Cá cược bóng đá trực tuyến",
           "Tải app {b} nhận khuyến mãi", "Nổ hũ đổi thưởng uy tín"],
    "zh": ["最新网上赌场注册送彩金", "{b}官方网站 真人百家乐", "体育投注 高赔率 秒出款", "澳门赌场在线 开户即送", "老虎机 免费试玩 每日返水",
           "六合彩开奖结果 免费资料大全", "时时彩计划 稳赚不赔", "棋牌游戏 注册送88元", "电子游艺 爆分老虎机", "{b}娱乐城 客服24小时在线",
           "百家乐必胜技巧 包赢", "足球串关 高额返利 提款秒到", "加微信领取首充彩金", "最新备用网址 防封"],
    "ru": ["Лучшее онлайн казино с бонусом", "Играть в слоты на деньги", "Зеркало {b} рабочее сегодня", "Бездепозитный бонус за регистрацию", "Ставки на спорт онлайн"],
    "ar": ["أفضل كازينو أون لاين في السعودية", "مواقع مراهنات موثوقة", "سجل الآن واحصل على مكافأة", "ألعاب سلوت بأموال حقيقية"],
    "pt": ["Cassino online com bônus de boas-vindas", "Melhor site de apostas do Brasil", "Jogue {b} e ganhe no pix", "Rodadas grátis sem depósito"],
    "es": ["Casino online con bono sin depósito", "Apuestas deportivas con el mejor bono", "Tragamonedas gratis y dinero real", "Regístrate en {b} y gana"],
    "en": ["Best online casino free spins", "Play slots for real money", "Top betting site with instant withdrawals", "Claim your no deposit bonus",
           "Sports betting tips and VIP odds", "{b} official login link"],
}
def casino_text(lang):
    brand = C(["slot88", "judi168", "gacor77", "bet365vip", "w88", "fun88", "1xbet", "dafabet", "kubet", "hi88", "pin-up", "vavada", "mostbet"])
    lines = [C(CASINO[lang]).format(b=brand) for _ in range(rng.randint(1, 4))]
    kw = C(["slot gacor", "casino", "judi online", "nhà cái", "казино", "apuestas", brand])
    text = " ".join(lines)
    if rng.random() < 0.4: text += " " + " ".join([kw] * rng.randint(3, 8))
    if rng.random() < 0.3: text += " " + C(["🎰🔥💰", "💯🎁", "⚡⚡⚡", "🔥 WD cepat 🔥"])
    return text + " " + maybe(0.85, spam_link(domain(brand.replace("-", ""), SPAM_TLDS), kw))

def casino_platform_text():
    """Gambling platforms for sale: source code, white-label set-up, "one-stop"
    development, a Telegram or WeChat contact. Common in Chinese on code
    forges, and in English."""
    tg = "@" + word() + C(["", "_dev", "666", "888", "_cs"])
    if rng.random() < 0.6:
        country = C(["巴西", "印度", "东南亚", "菲律宾", "越南", "泰国", "墨西哥", "海外"])
        parts = [C([f"{country}博彩平台搭建", "一站式博彩系统源码", "菠菜源码出售", "棋牌游戏源码 搭建 包上线", f"{country}娱乐平台开发", "体育博彩系统 白标 定制",
                    "彩票系统源码 二次开发", "真人视讯 电子 棋牌 全套源码", "博彩APP开发 支持多语言多币种", "百家乐 老虎机 源码 包运营"]) for _ in range(rng.randint(1, 3))]
        parts.append(C(["支持USDT充值，秒到账。", "提供服务器和支付通道对接。", "三天上线，售后无忧。", "可演示，诚信合作。", "专业团队十年经验。"]))
        parts.append(C([f"联系飞机 {tg}", f"Telegram: {tg}", f"TG {tg}", f"微信 {word()}{rng.randint(100, 999)}", f"QQ {rng.randint(10**7, 10**9)}",
                        f"商务联系 t.me/{tg[1:]}"]))
        return " ".join(parts)
    return " ".join([C(["Turnkey online casino platform with source code", "White-label sportsbook and casino software", "Casino game source code for sale",
                        "Launch your own betting site in 7 days", "iGaming platform development: slots, live casino, sports betting"]),
                     C(["Crypto payments (USDT), multi-language, multi-currency.", "Full admin panel, affiliate system, payment gateways.", "Demo available, fast launch."]),
                     C([f"Contact Telegram {tg}", f"t.me/{tg[1:]}", f"WhatsApp {phone(0.1)}", f"Skype live:{word()}"])])

def iptv_text():
    return " ".join(x for x in [
        C(["Best IPTV subscription 2026", "Buy IPTV with 20,000 live channels", "Premium IPTV free trial", "IPTV abonnement pas cher", "IPTV kaufen günstig",
           "4K IPTV provider, all sports and PPV", "Cheapest IPTV UK"]),
        C(["Works on Firestick, Smart TV, MAG.", "24h free test.", "No buffering, anti-freeze.", "Pay monthly or yearly.", "Instant activation."]),
        maybe(0.5, "WhatsApp " + phone(0.2)), maybe(0.8, spam_link(domain(C(["iptv", "bestiptv", "iptvpro", "streamtv"]), SPAM_TLDS)))] if x)

def movie_text():
    title = C(["Dune Part Three", "The Last Kingdom", "Avatar 4", "Spider Hero", "Fast Cars 12", "Ocean Heist", "Moana 3", "The Batman II", "Frozen Night"])
    return " ".join(x for x in [
        C([f"Watch {title} ({rng.randint(2024, 2026)}) full movie online free", f"{title} full movie HD 1080p streaming", f"[WATCH] {title} FuLL MoViE Free online",
           f"{title} 123movies download", f"Where to watch {title} free on Reddit"]),
        C(["No sign up.", "Stream now in HD.", "Download 720p, 1080p, 4K.", "Free online streaming.", "English subtitles."]),
        maybe(0.9, spam_link(domain(C(["watchfree", "moviehd", "123movies", "streamfull", "filmonline"]), SPAM_TLDS)))] if x)

def crack_text():
    sw = C(SOFTWARE)
    sw_disp = sw if rng.random() < 0.8 else sw.replace("o", "о").replace("a", "а")
    return " ".join(x for x in [
        C([f"{sw_disp} crack + keygen free download", f"{sw_disp} full version activation key", f"Download {sw_disp} cracked 2026", f"{sw_disp} license key generator",
           f"{sw_disp} pre-activated portable", f"{sw_disp} free download for PC (latest)", f"KMS activator for {sw_disp}"]),
        C(["Password: 2026", "100% working.", "No virus, tested.", "Direct link below.", "Unzip, run setup.exe, select language.", "Disable antivirus before install."]),
        maybe(0.85, spam_link(domain(C(["softcrack", "freedownload", "getintopc", "crackpro", "keysoft"]), SPAM_TLDS)))] if x)

def loan_text():
    return " ".join(x for x in [
        C(["Payday loans online same day", "Instant loan approval in 10 minutes", "Bad credit loans guaranteed", "Get cash today, apply online",
           "Personal loans up to $50,000", "Pinjaman online cepat cair", "Préstamos rápidos sin buró", "Cheap car insurance quotes"]),
        C(["No credit check.", "Low interest.", "Money in your account today.", "Apply in 2 minutes.", "Call now " + phone(0.2)]),
        maybe(0.8, spam_link(domain(C(["loans", "cashfast", "quickloan", "credit", "insurance"]), SPAM_TLDS)))] if x)

def escort_text():
    return " ".join(x for x in [
        C(["Hot singles in your area", f"Escort service in {C(CITIES)}", "Meet beautiful girls tonight", "VIP call girls available 24/7", "Find your match today, free dating"]),
        C(["100% real photos.", "Discreet and safe.", "WhatsApp " + phone(0.3), "Book now."]),
        maybe(0.8, spam_link(domain(C(["dating", "escorts", "hotgirls", "meetlocal"]), SPAM_TLDS)))] if x)

def misc_scam_text():
    return C([
        "Buy verified Cash App accounts, PayPal accounts and Gmail accounts in bulk. Instant delivery. " + spam_link(domain("buyaccounts", SPAM_TLDS)),
        "Buy Google reviews, Trustpilot reviews and 5 star ratings. Real accounts, safe. " + spam_link(domain("reviews", SPAM_TLDS)),
        "Earn $500 a day rating hotels from home! Just complete simple tasks. Contact HR on Telegram " + "t.me/" + word() + "hr",
        "We are hiring remote data entry workers, $40/hour, no experience. Send your CV to WhatsApp " + phone(0.2),
        "Get rich with forex signals, 300% profit every week! Join " + spam_link(domain("fxsignals", SPAM_TLDS)),
        "Buy Instagram followers and TikTok likes, cheap and fast. " + spam_link(domain("followers", SPAM_TLDS)),
        "Spiritual healer to bring back your lost lover in 24 hours, call " + phone(0.3),
        "Ray-Ban sunglasses outlet 90% off today only " + spam_link(domain("rayban", SPAM_TLDS)),
    ])

# Chat and comment spam: what bots post under videos, in chat rooms and in
# comment threads, in the languages it comes in (remote "jobs", investment
# and crypto signals, giveaways, "subscribe to my channel", adult and dating
# bait, followers for sale). Half of it carries a contact or a link; half is
# words alone, for the combiner to learn what words alone are worth. Parts
# are many per language so that no one wording carries it.
CHAT_SPAM = {
    "en": (["Hey guys!", "Hello everyone,", "Attention!!!", "Hi dear,", "Good news:", "Listen up,", "Friends,", ""],
           ["I make $3,000 a week from home with just my phone", "looking for 5 people for an easy online job, $150 per day",
            "my crypto signals made 400% profit this month", "giving away 100 iPhones to my followers",
            "check out my channel, I upload new music every day", "please subscribe to my channel, almost at 10k subscribers",
            "hot girls are waiting for you tonight", "buy real Instagram followers, 1000 for $5",
            "I turned $200 into $8,000 trading bitcoin with an expert", "free V-bucks and Robux generator, no verification",
            "earn passive income with our investment platform, daily payouts", "win a free gift card, only today"],
           ["DM me for details", "message me now", "click the link in my profile", "write + in private", "don't miss out!!!",
            "limited spots", "like and share", "hurry up", "contact me to start", "no experience needed"]),
    "ru": (["Всем привет!", "Внимание!", "Друзья,", "Доброго дня,", "Срочно!", ""],
           ["нужны люди на удалённую работу, доход от 5000 рублей в день", "ищу партнёров для заработка на крипте, от 300$ в неделю",
            "набираю команду, работа с телефона 2 часа в день", "бесплатные сигналы по биткоину, прибыль 200% в месяц",
            "раздаю подарки подписчикам моего канала", "подработка для студентов, оплата каждый день",
            "интим знакомства без обязательств", "продам аккаунты и подписчиков дёшево", "инвестиции с гарантированной доходностью"],
           ["пишите в личку", "пиши + в лс", "подробности в профиле", "места ограничены", "опыт не нужен", "жду в личных сообщениях"]),
    "es": (["¡Hola a todos!", "Atención,", "Amigos,", ""],
           ["gana 500 dólares al día desde casa con tu celular", "busco personas para trabajo online, pago diario",
            "mis señales de cripto dieron 300% de ganancia", "suscríbete a mi canal y participa en el sorteo",
            "chicas calientes te esperan esta noche", "inversión segura con ganancias diarias garantizadas"],
           ["escríbeme al privado", "mándame mensaje", "link en mi perfil", "cupos limitados", "no necesitas experiencia"]),
    "pt": (["Olá pessoal!", "Atenção,", "Gente,", ""],
           ["ganhe 300 reais por dia trabalhando de casa", "procuro pessoas para renda extra pelo celular",
            "sinais de cripto com lucro de 250% ao mês", "inscreva-se no meu canal e ganhe prêmios",
            "investimento com retorno garantido todo dia"],
           ["me chama no privado", "link na bio", "vagas limitadas", "chama no direct"]),
    "id": (["Halo semua!", "Info penting,", "Kak,", ""],
           ["kerja online dari rumah, gaji 500 ribu per hari", "dicari reseller, modal kecil untung besar",
            "sinyal trading crypto profit 300% sebulan", "bagi-bagi hadiah untuk subscriber channel saya",
            "investasi aman, profit harian dijamin"],
           ["chat aku ya", "info lengkap di bio", "slot terbatas", "minat DM"]),
    "tr": (["Merhaba arkadaşlar!", "Dikkat,", ""],
           ["evden çalışarak günde 1000 TL kazan", "kripto sinyallerimle ayda %300 kâr", "kanalıma abone olun, çekiliş var"],
           ["DM at", "detaylar profilde", "sınırlı kontenjan"]),
    "de": (["Hallo zusammen!", "Achtung,", ""],
           ["verdiene 500 Euro am Tag von zu Hause", "suche Leute für einen einfachen Nebenjob online, tägliche Auszahlung",
            "meine Krypto-Signale brachten 300% Gewinn", "abonniert meinen Kanal für das Gewinnspiel"],
           ["schreib mir privat", "Link im Profil", "nur noch wenige Plätze"]),
    "fr": (["Salut tout le monde !", "Attention,", ""],
           ["gagnez 300 euros par jour depuis chez vous", "je cherche des personnes pour un travail en ligne facile",
            "mes signaux crypto ont fait 300% de profit", "abonnez-vous à ma chaîne pour le concours"],
           ["écrivez-moi en privé", "lien dans ma bio", "places limitées"]),
    "hi": (["Namaste dosto!", "Dhyan dein,", ""],
           ["ghar baithe roz 2000 rupaye kamaye", "online job ke liye log chahiye, daily payment",
            "crypto signals se 300% profit", "mere channel ko subscribe karo, giveaway chal raha hai"],
           ["DM karo", "details bio mein", "seats limited hain"]),
    "zh": (["大家好！", "注意！", ""],
           ["在家兼职日赚500元", "手机就能做，日结工资", "加密货币信号，月收益300%", "关注我的频道送礼品"],
           ["私聊我", "详情看主页", "名额有限"]),
    "ar": (["مرحبا بالجميع!", "انتباه،", ""],
           ["اربح 500 دولار يوميا من المنزل", "مطلوب أشخاص للعمل أونلاين براتب يومي", "توصيات عملات رقمية بربح 300٪"],
           ["راسلني على الخاص", "التفاصيل في البروفايل", "الأماكن محدودة"]),
}
CHAT_SPAM_LANGS = ["en"] * 5 + ["ru"] * 4 + ["es", "pt", "id", "tr", "de", "fr", "hi", "zh", "ar"]

def chat_spam_text():
    lang = C(CHAT_SPAM_LANGS)
    openers, offers, calls = CHAT_SPAM[lang]
    parts = [C(openers), C(offers) + C([".", "!", "!!!", " 🔥", " 💰", " ✅"]), C(calls)]
    if rng.random() < 0.5:
        parts.append(C([
            "t.me/" + word() + C(["_work", "_invest", "bot", "_official", ""]),
            "WhatsApp " + phone(0.2), "Telegram @" + word() + C(["_crypto", "_job", "hr", "_vip"]),
            spam_link(domain(C(["earn", "invest", "profit", "job", "gift", "dating", "followers", "signals"]) + word(1), SPAM_TLDS)),
            "https://bit.ly/" + word() + str(rng.randint(10, 99)),
        ]))
    return " ".join(x for x in parts if x)

def helpful_answer_with_link():
    """A reply that sounds like help and sends readers to a "guide" or "tips"
    site: the SEO spammer's answer to a bug report. The link is often defanged
    to pass link filters, with no warning around it."""
    dom = domain(C(["fixguide", "techtips", "howto", "devfix", "errorfix", "pcguide", "softwaretips", "codehelp", "appsolve", "toolsradar",
                    "geekhelp", "driverfix", "windowsfix", "tutorialhub"]), SPAM_TLDS)
    link = C([url(dom), obfuscate(url(dom)), obfuscate(url(dom)), f"[{C(['this guide', 'here', 'step-by-step fix', dom])}]({url(dom)})"])
    return " ".join(x for x in [
        C(["Had the same problem last week.", "Same error here on Windows 11.", "I was stuck on this for days.", "This happens when the cache is corrupted.",
           "Ran into exactly this after the update.", "Not sure about your setup, but", "Check your PATH first."]),
        C(["This guide fixed it for me:", "Found a step-by-step fix that works:", "There is a full list of tips at", "These steps worked for me:",
           "A useful tutorial that explains it:", "I wrote up what worked here:", "Try the method described at"]),
        link, maybe(0.5, C(["Hope it helps!", "Works the same on 4.x.", "Good luck.", "Saved me hours."]))] if x)

def comment_with_link(dom):
    if rng.random() < 0.3:
        return helpful_answer_with_link()
    if rng.random() < 0.5:  # on-topic, technical-sounding, one commercial link
        topic = C(["caching", "the retry logic", "rate limiting", "this config", "the migration", "error handling", "the API design", "performance tuning",
                   "the deployment", "load balancing", "the streaming setup", "video playback", "the payment flow", "the dashboard"])
        return " ".join([C([f"Really like how {topic} is handled here.", f"This approach to {topic} is clean.", f"I ran into the same issue with {topic}.",
                            f"Solid explanation of {topic}, thanks.", f"Good point about {topic}."]),
                         C(["It reminds me of how", "We did something similar for", "It works a lot like", "Similar to what we see on", "Same idea as"]),
                         spam_link(dom, C([f"{C(SERVICES)} sites", "a sports broadcasting platform", "our streaming service", "this VPN review", "a casino platform",
                                           "an online pharmacy", f"{C(SERVICES)} in {C(CITIES)}", word()])) + C([" does it.", ".", " handles it.", "."])])
    return " ".join(x for x in [
        C(["Great post, thanks for sharing!", "Nice article, very informative.", "This is exactly what I was looking for.", "Really helpful explanation, thank you.",
           "I had the same problem and this fixed it.", "Very useful thread.", "Awesome work on this project!", "Thanks for the detailed write-up."]),
        C(["I also wrote about this on my blog:", "If anyone needs more, check", "By the way, we cover similar topics at", "It works just like",
           "You might also like", "For more tips visit"]),
        spam_link(dom, C([word(), "this site", "our guide", "a sports streaming platform", "best tools"]))] if x)

def malware_lure_text():
    fix = C(["fix.zip", "patch.rar", "installer.exe", "update-tool.7z", "solution.zip", "driver-fix.msi"])
    host = C(["mediafire.com/file/" + word(), "dropbox.com/s/" + word(), "bit.ly/" + word(), "gofile.io/d/" + word(), domain(word(), SPAM_TLDS) + "/" + fix,
              "drive.google.com/file/d/" + word() + word(), "pixeldrain.com/u/" + word(), f"github.com/{word()}/{word()}/releases/download/v1.{rng.randint(0, 9)}/{fix}",
              "www.dropbox.com/scl/fi/" + word() + "/" + fix, "files.catbox.moe/" + word() + ".zip"])
    return " ".join(x for x in [
        C(["I had the same error, this fixed it for me:", "Here is the solution, download and run:", "Try this patch, works for me:", "The maintainers posted a fix here:",
           "Use this tool to fix the issue:", "I uploaded the patched build here:", "Wait, there is an easier way, use this:", "Here you go, the fixed version:",
           "Hey, this is fixed in the unofficial build:", "You need the updated DLLs, get them here:"]),
        "https://" + host,
        C([f"password: {rng.randint(1000, 9999)}", "in the installer select \"gcc\" and click install", "run as administrator", "extract and replace the dll", "disable defender first",
           "if your antivirus complains it is a false positive", "the password is the name of the repo", "run the .exe before starting the build"]),
        maybe(0.4, "Good luck!")] if x)

def tea_text():
    names = [word() + C(["", "-" + word(), str(rng.randint(1, 999))]) for _ in range(3)]
    return C([f"{names[0]}", f"{names[0]} {names[1]}", f"{names[0]}: a package", "tea.xyz", f"{names[0]} {rng.randint(1, 99999)}"]) + maybe(0.6, f" tea.yaml {word()}") + \
        maybe(0.5, "\n" + "\n".join(f'"{n}": "^{rng.randint(1, 9)}.{rng.randint(0, 9)}.0"' for n in names))

def backlink_mr_text():
    dom = domain(C(SERVICES).replace(" ", "")[:10] + C(["", "guide", "reviews", "blog"]), SPAM_TLDS)
    anchor = C(["best " + C(SERVICES), C(SERVICES) + " guide", "useful resource", "more info", C(["VPN", "casino", "CBD", "essay"]) + " reviews", word()])
    return C([f"- [{anchor}](https://{dom})", f"Also see [{anchor}](https://{dom}) for more.", f"| {anchor} | https://{dom} |", f"* {anchor}: https://{dom}"])

def code_wrapped_text():
    dom = domain(C(["casino", "slot", "essay", "seo", "pharma", "crack", "iptv"]) + word(1), SPAM_TLDS)
    kw = C(["best online casino", "buy essay online", "cheap backlinks", "slot gacor", "free movies hd", "office crack download", "buy viagra online"])
    return C([
        f"// {kw} - https://{dom}\nfunction main() {{\n  // {kw}\n  console.log('{kw}');\n}}\n",
        '{\n  "name": "' + kw.replace(" ", "-") + '",\n  "description": "' + kw + ' ' + kw + '",\n  "keywords": ["' + '", "'.join(kw.split() * 3) + '"],\n  "homepage": "https://' + dom + '"\n}\n',
        f"# {kw}\n# {kw} {kw}\nprint('visit https://{dom}')\n",
        f"<!-- {kw} https://{dom} -->\n<html><body><h1>{kw.title()}</h1><a href=\"https://{dom}\">{kw}</a></body></html>\n",
        f"/* {kw} */\nSELECT '{kw}' AS title, 'https://{dom}' AS url;\n",
    ])

SPIRITUAL = {"en": ["Powerful love spell caster to bring back your lost lover in 24 hours", "Black magic removal and spiritual healing, call now",
                    "Traditional healer for marriage problems, court cases and lottery luck", "Get your ex back with a powerful spell, results guaranteed"],
             "ar": ["شيخ روحاني لجلب الحبيب وفك السحر", "رقم شيخ روحاني مضمون لحل جميع المشاكل", "جلب الحبيب في نفس اليوم اتصل الآن", "علاج السحر والمس والحسد بسرعة"],
             "id": ["Dukun pelet ampuh untuk mengembalikan pasangan", "Pesugihan tanpa tumbal hubungi sekarang"]}
def spiritual_text():
    lang = C(list(SPIRITUAL))
    return " ".join([C(SPIRITUAL[lang]), C(["WhatsApp " + phone(0.3), "call " + phone(0.3), "", "واتساب " + phone(0.3)]), maybe(0.5, spam_link(domain(C(["spell", "healer", "sheikh", "magic"]), SPAM_TLDS)))]).strip()

def spaced_url():
    d = domain(word(), SPAM_TLDS)
    return C([" ".join("https://" + d), d.replace(".", " dot "), d.replace(".", "[dot]"), "h t t p s : / / " + d, d.replace(".", " . ")])

SPAM_FAMILIES = [("seo", 8), ("website_only", 5), ("care", 8), ("crypto", 6), ("essay", 5), ("pharma", 5), ("casino", 12), ("iptv", 3), ("movie", 4),
                 ("crack", 6), ("loan", 3), ("escort", 3), ("misc", 5), ("comment_link", 7), ("link_farm", 4), ("casino_platform", 3),
                 ("malware_lure", 3), ("tea", 2), ("backlink_mr", 3), ("spaced_url", 2),
                 ("code_wrapped", 3), ("spiritual", 2), ("chat_spam", 6)]

def spam_content(family):
    """(text, link domain or None) for a family, for content items."""
    if family == "care": return care_text(C(BRANDS)), None
    if family == "crypto": return crypto_text(), None
    if family == "essay": return essay_text(), None
    if family == "pharma": return pharma_text(), None
    if family == "casino": return casino_text(C(["id", "id", "vi", "zh", "ru", "ar", "pt", "es", "en", "en"])), None
    if family == "casino_platform": return casino_platform_text(), None
    if family == "iptv": return iptv_text(), None
    if family == "movie": return movie_text(), None
    if family == "crack": return crack_text(), None
    if family == "loan": return loan_text(), None
    if family == "escort": return escort_text(), None
    if family == "misc": return misc_scam_text(), None
    if family == "malware_lure": return malware_lure_text(), None
    if family == "code_wrapped": return code_wrapped_text(), None
    if family == "spiritual": return spiritual_text(), None
    if family == "chat_spam": return chat_spam_text(), None
    if family == "tea": return tea_text(), None
    if family == "backlink_mr": return backlink_mr_text(), None
    if family == "spaced_url": return C(["Visit", "Check", "Go to", "More at", "Best deals:"]) + " " + spaced_url() + " " + C(["now", "", "today!", "for the bonus"]), None
    svc, city = C(SERVICES), C(CITIES)
    dom = domain(svc.replace(" ", "")[:10], SPAM_TLDS)
    if family == "comment_link": return comment_with_link(dom), dom
    if family == "link_farm":
        kws = [C([f"best {svc} {city}", f"{svc} near me", f"cheap {svc}", f"{svc} services", f"top {svc} company", f"{svc} {city} prices"]) for _ in range(rng.randint(4, 10))]
        return "\n".join(f"- [{k}]({url(domain(svc.replace(' ', '')[:8] + word(1), SPAM_TLDS))})" if rng.random() < 0.7 else k for k in kws), dom
    return seo_profile_bio(svc, city) + " " + spam_link(dom), dom

# --- ham -----------------------------------------------------------------------
LANGS_HAM = ["Rust", "Go", "Python", "TypeScript", "C++", "Java", "Kotlin", "Elixir", "Haskell", "Ruby", "PHP", "Swift", "Fortran", "R", "Julia", "Zig"]
TOPICS = ["distributed systems", "compilers", "climate models", "accessibility", "payments", "observability", "databases", "game engines", "bioinformatics",
          "robotics", "security", "CI/CD", "embedded Linux", "machine learning", "GIS", "audio plugins", "home automation", "package management"]
ORGS = ["ETH Zurich", "Acme Cloud", "PayCorp", "CERN", "Inria", "a small agency", "Red Panda Games", "OddsLab", "Helix Pharmacy Systems", "MediaBox",
        "Northwind Consulting", "Stellar Payments", "the city of Ghent", "Freelance", "Shopware partner agency", "Slot Studio Games (licensed B2B)"]

def ham_site():
    return C([f"https://{C(FIRST)}{C(LAST)}.{C(HAM_TLDS)}", f"https://{word()}.github.io", f"https://{C(FIRST)}.dev", f"https://blog.{word()}.{C(HAM_TLDS)}",
              f"https://www.{word()}-{C(['consulting', 'studio', 'labs', 'agency', 'digital', 'games'])}.{C(HAM_TLDS)}", f"https://{word()}.{C(HAM_TLDS)}/about"])

def ham_bio():
    k = rng.random()
    if k < 0.15: return ""
    if k < 0.27: return foreign_ham("user").split("\n")[0][:200]
    if k < 0.5:
        return C([f"{C(LANGS_HAM)} developer. {C(TOPICS).capitalize()}.", f"Working on {C(TOPICS)} at {C(ORGS)}.", f"PhD student, {C(TOPICS)}.",
                  f"Maintainer of {word()}-{C(['rs', 'py', 'js', 'go'])}. Opinions are my own.", f"Backend engineer ({C(LANGS_HAM)}, {C(LANGS_HAM)}).",
                  "Student, learning programming. my english not so good sorry", f"{C(TOPICS).capitalize()} nerd. He/him.", f"SRE at {C(ORGS)}. On call more than I'd like.",
                  f"Technical writer for {C(TOPICS)} docs.", "Retired sysadmin, still tinkering.", "Hobbyist. Mostly dotfiles.", "🦀 + 🐧"])
    if k < 0.7:  # vendors, agencies, consultants: commercial but real
        return C([f"Sales engineer at {C(ORGS)}. I help customers integrate our API.", f"Founder of a small web agency in {C(CITIES)}. We build Shopify and WordPress sites.",
                  f"Freelance SEO consultant and developer. I maintain an open-source SEO audit tool.", f"Developer advocate at {C(['a payments company', 'a crypto exchange', 'a database vendor'])}.",
                  f"Game developer at a licensed slot machine studio: RNG, reel engines, free spins features for casino operators.",
                  f"Consultant: {C(TOPICS)}, trainings and audits. Available for hire.", f"Marketing engineer, growth and analytics. Ex-{C(ORGS)}.",
                  f"Working on pharmacy inventory software at {C(ORGS)}.", f"Building sports betting odds APIs at OddsLab."])
    return C([f"I write about {C(TOPICS)} at my blog.", f"Photographer and {C(LANGS_HAM)} hacker. Portfolio on my site.",
              f"{C(LANGS_HAM)} dev by day, {C(LIFESTYLE)} at the weekend.", f"Looking for a job in {C(TOPICS)}. CV on my site.",
              f"Core team member of {word().title()}. Talks and slides on my website.", f"Mastodon: @{word()}@fosstodon.org. {C(TOPICS).capitalize()}.",
              f"Indie game developer. Devlog at my site, games on itch.io.", f"Open-source maintainer ({word()}, {word()}). Sponsors welcome.", f"Desarrollador {C(LANGS_HAM)} en {C(CITIES)}.",
              f"Entwickler bei {C(ORGS)}.", f"Lập trình viên {C(LANGS_HAM)}, thích mã nguồn mở.", f"Разработчик {C(LANGS_HAM)}, open source.", f"程序员，喜欢{C(['开源', '编译器', '数据库'])}。",
              f"Pengembang {C(LANGS_HAM)} dari {C(['Jakarta', 'Bandung', 'Surabaya'])}.", f"Desenvolvedor {C(LANGS_HAM)}, apaixonado por open source.", f"مطور برمجيات في {C(['القاهرة', 'الرياض', 'عمان'])}"])

ERRORS = ["x509: certificate signed by unknown authority", "connection refused", "segmentation fault (core dumped)", "panic: runtime error: index out of range",
          "ModuleNotFoundError: No module named 'yaml'", "error[E0502]: cannot borrow as mutable", "HTTP 502 from upstream", "OOMKilled", "permission denied (publickey)"]

def log_lines():
    out = []
    for _ in range(rng.randint(3, 12)):
        out.append(C([f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T12:{rng.randint(10, 59)}:0{rng.randint(0, 9)}Z INFO GET https://{C(['api', 'registry', 'cdn'])}.{word()}.{C(HAM_TLDS)}/v1/{word()} 200 {rng.randint(2, 900)}ms",
                      f"Fetching https://proxy.golang.org/{word()}/@v/v1.{rng.randint(0, 9)}.{rng.randint(0, 20)}.mod",
                      f"Downloading https://files.pythonhosted.org/packages/{word()}-{rng.randint(1, 9)}.{rng.randint(0, 9)}.tar.gz",
                      f"WARN retrying http://10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:8080/healthz (attempt {rng.randint(1, 5)})",
                      f"  at {word()}.{word()}({word()}.java:{rng.randint(10, 900)})", f"ERROR {C(ERRORS)}"]))
    return "```\n" + "\n".join(out) + "\n```"

def release_download():
    """A download link as projects publish them: a release asset, an installer,
    an app package, an ISO mirror, logs shared on a file host."""
    v = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    name = word()
    asset = C([f"{name}-{v}-windows-x64.zip", f"{name}-setup-{v}.exe", f"{name}-{v}.msi", f"{name}-{v}-universal.dmg", f"{name}-{v}.apk",
               f"{name}-{v}-x86_64.AppImage", f"{name}-{v}-amd64.iso", f"{name}_{v}_all.zip", f"{name}-{v}.jar"])
    return C([f"https://github.com/{word()}/{name}/releases/download/v{v}/{asset}", f"https://gitlab.com/{word()}/{name}/-/releases/v{v}/downloads/{asset}",
              f"https://downloads.{word()}.{C(HAM_TLDS)}/{name}/{v}/{asset}", f"https://f-droid.org/repo/org.{word()}.{name}_{rng.randint(10, 999)}.apk",
              f"https://mirror.{word()}.{C(HAM_TLDS)}/{name}/releases/{v}/{asset}", f"https://www.dropbox.com/s/{word()}/{C(['logs', 'dump', 'repro'])}.zip?dl=0",
              f"https://mega.nz/file/{word()}{rng.randint(10, 99)}", f"https://www.mediafire.com/file/{word()}/{C(['dataset', 'samples', 'repro'])}.7z/file"])

def release_note():
    url = release_download()
    return C([f"Binaries for v{rng.randint(1, 9)}.{rng.randint(0, 9)} are on the release page: {url}",
              f"The repro project is too big to attach, here it is: {url}", f"I installed {url} on a clean VM and the crash is gone.",
              f"Same crash with the nightly ({url}), log below.", f"Windows users: use the installer, {url}; the portable zip has the old DLLs.",
              f"Uploaded the core dump ({url}), it's 300 MB.", f"Verified the checksum of {url} against SHA256SUMS, it matches."])

def issue_text():
    k = rng.random()
    title = C([f"{C(['Crash', 'Panic', 'Error', 'Timeout', 'Regression'])} when {C(['config is empty', 'running on arm64', 'the cache is cold', 'uploading large files', 'using IPv6'])}",
               f"Support {C(['3-D Secure 2', 'Lightning payments', 'USDT on Tron', 'Apple Pay', 'SEPA direct debit', 'betting odds in decimal format', 'M3U playlists'])}",
               f"Docs: {C(['clarify install steps', 'fix broken link', 'add example for webhooks', 'explain rate limits'])}",
               f"{C(['runner', 'build', 'job', 'pipeline'])} not start", "Memory leak in worker pool", "Update dependencies", f"Feature request: {C(TOPICS)} export"])
    body = " ".join(x for x in [
        C([f"Steps to reproduce: {C(['start 5 nodes and kill the leader', 'run make test on a clean checkout', 'open the settings page twice', 'upload a 2 GB file'])}.",
           f"Since v{rng.randint(1, 5)}.{rng.randint(0, 20)} I get `{C(ERRORS)}`.", "hello, my runner not starting, what i do? thank you for help",
           f"We need this for our {C(['payment', 'casino game', 'pharmacy', 'IPTV player', 'SEO audit'])} integration; see the spec at https://docs.{word()}.{C(HAM_TLDS)}/{word()}.",
           "Hola, al compilar en Windows aparece un error de enlace. ¿Alguna idea?", "Bonjour, l'installation échoue avec Python 3.12.",
           "Привет! После обновления не запускается сервер, лог ниже.", "升级到最新版本后，构建失败，日志如下。", "Halo, setelah update aplikasinya crash saat login.",
           "Xin chào, mình gặp lỗi khi build trên macOS."]),
        maybe(0.4, log_lines()), maybe(0.08, release_note()),
        maybe(0.3, f"Related: https://gitlab.{C(['com', 'example.org'])}/{word()}/{word()}/-/issues/{rng.randint(1, 9999)} and https://stackoverflow.com/q/{rng.randint(10**6, 10**8)}"),
        maybe(0.2, "Expected: it works. Actual: it does not."), maybe(0.15, f"On-call: call the NOC at +41 44 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)} if prod is down.")] if x)
    if k < 0.1:  # issue template filled by different people (legitimate near-duplicates)
        body = "### Summary\n\n" + body + "\n\n### Steps to reproduce\n\n1. Install\n2. Run\n\n### What is the current bug behavior?\n\n### What is the expected correct behavior?\n\n### Relevant logs and/or screenshots\n"
    if k > 0.93:  # a security advisory quoting defanged phishing URLs
        body = f"Heads up: phishing mails imitate our login page at hxxps://{word()}-login[.]com and hxxp://{word()}[.]xyz/verify. Do not enter your token there; report to security@{word()}.org."
    return title, body

def note_text():
    return C([f"I can reproduce this on main; {C(['the timeout is not reset', 'it only fails on arm64', 'it happens with IPv6 only'])}.", "LGTM, one nit in the log message.",
              "Thanks, this saved me an hour.", f"See the upstream fix in https://github.com/{word()}/{word()}/pull/{rng.randint(1, 9999)}", "+1, we need this too.",
              f"Fixed in !{rng.randint(1, 500)}, closing.", f"Docs are here: https://docs.{word()}.{C(HAM_TLDS)}/{word()}#{word()}", log_lines(),
              f"Could you share the output of `{C(['kubectl describe pod', 'gitlab-runner --debug run', 'journalctl -u nginx'])}`?", "Merci, ça marche maintenant !",
              "Gracias, funciona con la versión nueva.", "Спасибо, помогло.", "谢谢，问题已解决。", "Terima kasih, sudah berhasil.", "Cảm ơn bạn, đã chạy được.",
              f"For the phone parser tests I used {C(['+1 202 555 0143', '+44 20 7946 0958', '030 901820'])} (fictional ranges).",
              f"We use the bet365 and Betfair odds feeds in the tests, see fixtures/odds_{word()}.json.",
              f"Our agency site lists the integrations: https://www.{word()}-digital.{C(HAM_TLDS)}/integrations (disclosure: I work there).",
              "```\n" + code_text() + "```", f"Try this:\n\n```\n{code_text()}```\n\nIt worked for me on {C(['Debian 12', 'macOS 14', 'Windows 11'])}.",
              f"The support line in the footer ({C(['+1 555 0100', '0800 123 4567', '+49 30 1234567'])}) is our customer's, please keep it in the template.",
              f"Warning: the link in the previous comment is malware (hxxps://{word()}[.]xyz/fix.zip). Reported and hidden.",
              release_note(), release_note(),
              f"Danke! Mit Version {rng.randint(1, 9)}.{rng.randint(0, 9)} funktioniert es.", f"Obrigado, resolvido com a atualização {rng.randint(1, 9)}.{rng.randint(0, 9)}.",
              f"بعد التحديث يعمل بشكل صحيح، شكراً.", f"Merci pour la revue, j'ai corrigé les tests."])

def readme_text(name, kind):
    badges = " ".join(f"[![{b}](https://img.shields.io/badge/{b}-{C(['passing', 'green', '95%', 'MIT'])}-green)](https://gitlab.com/{word()}/{name})" for b in
                      rng.sample(["build", "coverage", "license", "docs", "release", "downloads", "chat"], rng.randint(0, 5)))
    what = {"lib": f"A {C(LANGS_HAM)} library for {C(TOPICS)}.", "payments": "Payment gateway SDK: Stripe, Adyen, PayPal and crypto (BTC, ETH, USDT) checkouts.",
            "odds": "Sports betting odds aggregation API client: decimal, fractional and American odds, arbitrage calculator.",
            "slots": "A slot-machine game made for a game jam: reels, free spins, no real money.", "iptv": "An IPTV player for your own M3U playlists and EPG files.",
            "seo": "Open-source SEO audit tool: crawls your site, checks meta tags, broken links and sitemap.xml.",
            "marketing": f"🚀 The fastest {C(['headless CMS', 'form builder', 'analytics platform'])} for modern teams! ⭐ Star us! Try the cloud version for free at https://{word()}.io — used by 10,000+ companies.",
            "pharmacy": "Inventory and prescription tracking for small pharmacies (HL7, barcode scanning).",
            "keys": "License-key generator and checker for your own app (Ed25519-signed keys).", "mirrors": f"Download page with mirrors for our Linux distribution ISO images: {release_download()}"}[kind]
    return "\n\n".join(x for x in [f"# {name}", badges, what, "## Install\n\n```\n" + C(["pip install ", "npm i ", "cargo add ", "go get "]) + name + "\n```",
                                    maybe(0.6, "## Usage\n\nSee the docs at https://" + word() + ".readthedocs.io and the examples folder."),
                                    maybe(0.4, "## Contributing\n\nMerge requests welcome. Please read CONTRIBUTING.md."), maybe(0.5, "## License\n\nMIT")] if x)

def code_text():
    n = lambda: rng.randint(0, 99999)
    return C([
        f"def {word()}({word()}, {word()}={n()}):\n    return {word()} * {rng.randint(2, 60)} + {n()}\n",
        f"SELECT id, {word()}, created_at FROM {word()} WHERE {word()}_id = {n()} AND status IN (1, 2, 3) LIMIT {rng.randint(10, 500)};\n",
        f"INSERT INTO contacts (name, phone) VALUES ('{C(FIRST)}', '+1 555 01{rng.randint(10, 99)}'), ('{C(FIRST)}', '030 {rng.randint(1000000, 9999999)}');\n",
        f"id,{word()},amount\n" + "\n".join(f"{i},{word()},{n()}.{rng.randint(0, 99)}" for i in range(rng.randint(3, 12))) + "\n",
        f"server:\n  port: {rng.randint(1024, 65535)}\n  host: 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}\n  timeout_ms: {n()}\n",
        f"const {word()} = require('{word()}');\nmodule.exports = function () {{ return {n()}; }};\n",
        f"#include <stdio.h>\nint main(void) {{ printf(\"%d\\n\", {n()}); return 0; }}\n",
        f"fn {word()}(x: u64) -> u64 {{ x.wrapping_mul({n()}) ^ 0x{rng.randint(0, 2**32):08x} }}\n",
        f"func {word().title()}(ctx context.Context) error {{\n\treturn fmt.Errorf(\"{word()}: %w\", err)\n}}\n",
        f"test_phone_numbers = ['+44 20 7946 0{rng.randint(100, 999)}', '(555) 01{rng.randint(10, 99)}-{rng.randint(1000, 9999)}', '+61 491 570 {rng.randint(100, 999)}']\n",
        f"# {C(['Installation', 'Usage', 'Notes'])}\n\nRun `make {word()}` then open http://localhost:{rng.randint(3000, 9000)}/.\n",
        f"[{word()}]\nurl = \"https://{word()}.{C(HAM_TLDS)}/{word()}\"\nretries = {rng.randint(1, 9)}\n",
        "# Опции сборки\nCFLAGS=-O2 -g\n", "# 配置文件\nport = 8080\n", "# Configuración\ndebug: true\n",
    ]) * rng.randint(1, 3)

# Ordinary developer text in the languages spam also comes in: a model
# that saw non-English text only in spam would flag every non-English user.
FOREIGN_HAM = {
    "id": ["Halo, aplikasinya crash setelah update ke versi {v}. Log ada di bawah.", "Terima kasih atas perbaikannya, sekarang sudah jalan.",
           "Saya mahasiswa informatika, sedang belajar {lang}.", "Dokumentasi untuk instalasi di Windows belum lengkap.", "Bagaimana cara mengatur proxy untuk runner?",
           "Komunitas developer {lang} di {city}. Kami mengadakan meetup setiap bulan.", "Terjemahan bahasa Indonesia untuk antarmuka pengguna."],
    "vi": ["Mình gặp lỗi khi build trên macOS với phiên bản {v}.", "Cảm ơn bạn, đã sửa được rồi.", "Lập trình viên {lang}, thích mã nguồn mở.",
           "Tài liệu hướng dẫn cài đặt bằng tiếng Việt.", "Làm sao để cấu hình CI cho dự án này?", "Nhóm phát triển phần mềm quản lý thư viện trường học."],
    "zh": ["升级到 {v} 之后构建失败，日志如下。", "谢谢，问题已经解决了。", "我是学生，正在学习{lang}。", "请问如何配置代理？", "这是一个用于数据分析的开源工具。",
           "中文文档翻译，欢迎提交合并请求。", "我们的开源社区每月举办一次线下交流会。"],
    "ru": ["После обновления до {v} сервер не запускается, лог ниже.", "Спасибо, помогло.", "Разработчик {lang}, люблю открытый исходный код.",
           "Документация по установке на русском языке.", "Как настроить кэш для CI?", "Сообщество разработчиков {lang} в {city}."],
    "ar": ["بعد التحديث إلى {v} يتوقف البرنامج عن العمل.", "شكراً، تم حل المشكلة.", "مطور برمجيات مهتم بالمصادر المفتوحة.", "ترجمة الواجهة إلى اللغة العربية.",
           "كيف يمكنني إعداد بيئة التطوير؟", "مجتمع المطورين العرب للمشاريع المفتوحة."],
    "pt": ["Depois de atualizar para {v} o build falha, segue o log.", "Obrigado, resolvido.", "Desenvolvedor {lang}, apaixonado por código aberto.",
           "Tradução da documentação para português.", "Como configuro o proxy do runner?", "Comunidade de desenvolvedores de {city}."],
    "es": ["Al compilar en Windows con {v} aparece un error de enlace.", "Gracias, ya funciona.", "Desarrolladora {lang} en {city}.", "Traducción de la documentación al español.",
           "¿Cómo configuro la caché en CI?", "Grupo de estudiantes de la universidad, proyectos de clase."],
    "de": ["Nach dem Update auf {v} startet der Dienst nicht mehr.", "Danke, funktioniert jetzt.", "Entwickler bei {org}.", "Deutsche Übersetzung der Oberfläche.",
           "Wie richte ich den Runner hinter einem Proxy ein?"],
    "fr": ["Depuis la version {v}, l'installation échoue.", "Merci, ça marche !", "Développeuse {lang} à {city}.", "Traduction française de la documentation.",
           "Comment configurer le cache de la CI ?"],
    "ja": ["{v} にアップデートした後、ビルドが失敗します。", "ありがとうございます、解決しました。", "{lang} エンジニアです。", "日本語のドキュメントを追加しました。"],
    "tr": ["{v} sürümüne güncelledikten sonra derleme hata veriyor.", "Teşekkürler, sorun çözüldü.", "{lang} geliştiricisiyim.", "Türkçe çeviri ekledim."],
    "it": ["Dopo l'aggiornamento a {v} il server non parte.", "Grazie, ora funziona.", "Sviluppatore {lang} a {city}.", "Traduzione italiana della documentazione."],
}
def foreign_ham(itype="issue"):
    if rng.random() < 0.7:  # the wider set of models/foreign_text.py
        text = foreign_text.text(rng, itype, HAM_TLDS, word)
    else:
        lang = C(list(FOREIGN_HAM))
        fill = lambda t: t.format(v=f"{rng.randint(1, 9)}.{rng.randint(0, 20)}", lang=C(LANGS_HAM), city=C(CITIES), org=C(ORGS))
        text = " ".join(fill(C(FOREIGN_HAM[lang])) for _ in range(rng.randint(1, 3))) + \
            maybe(0.2, f" https://{C(['docs', 'wiki', 'forum'])}.{word()}.{C(HAM_TLDS)}/{word()}")
    return text + (maybe(0.3, "\n" + log_lines()) if itype in ("issue", "note") else "")

def security_warning():
    bad = C([f"hxxps://{word()}-{C(['login', 'verify', 'secure', 'support'])}[.]com", f"hxxp://{word()}[.]xyz/{word()}", f"{word()}[.]top",
             f"https://bit[.]ly/{word()}", f"{word()}(.)ru"])
    return C([f"Heads up: a phishing campaign imitates our login page at {bad}. Do not enter your credentials; report it to security@{word()}.org.",
              f"The comment above links to malware ({bad}). I reported the account; please don't download anything from it.",
              f"Security advisory: spam accounts are posting fake support numbers like +1-8OO-555-01{rng.randint(10, 99)}. These are scams, our support is only via the issue tracker.",
              f"IOC list for the incident: {bad}, {C(['185.', '45.', '91.'])}{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}, sha256 {''.join(C('0123456789abcdef') for _ in range(16))}...",
              f"Reminder from the security team: never paste tokens in issues. Phishing domains we have seen: {bad}, {word()}[.]click.",
              f"This looks like the 'fake download fix' spam ({bad}); see the moderation guide in the wiki."])

def ham_item_text(itype):
    if rng.random() < 0.06 and itype in ("issue", "note", "wiki_page", "snippet"):
        text = security_warning()
        return ("Security: " + text.split(":")[0][:50] if itype != "note" else None), text
    if rng.random() < (0.3 if itype != "snippet" else 0.1) and itype in ("issue", "note", "wiki_page", "merge_request", "snippet"):
        text = foreign_ham(itype)
        return (text.split(".")[0][:60] if itype != "note" else None), text
    if itype == "issue": return issue_text()
    if itype == "note": return None, note_text()
    if itype == "merge_request":
        return C([(f"Update dependency {word()} to v{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}", f"This MR contains the following updates:\n\n| Package | Update |\n|---|---|\n| {word()} | minor |\n\nSee https://github.com/{word()}/{word()}/releases"),
                  (f"Fix {C(['typo', 'race in worker pool', 'null check', 'CI on arm64'])}", f"Closes #{rng.randint(1, 900)}. {C(['Adds a test.', 'No functional change.', 'Tested locally.'])}"),
                  ("Add link to the project website in README", f"Adds https://{word()}.{C(HAM_TLDS)} (our docs site) to the README, as discussed in #{rng.randint(1, 300)}."),
                  (f"Update download links for v{rng.randint(1, 9)}.{rng.randint(0, 20)}", f"Points the install section to {release_download()} and {release_download()}.")])
    if itype == "wiki_page":
        return C(["Home", "Runbook", "Release process", "Onboarding", "FAQ"]), C([f"On-call runbook: page the primary, then call the NOC at +1 555 01{rng.randint(10, 99)} if unreachable.",
                                                                                f"Release steps: tag, build, upload to https://releases.{word()}.{C(HAM_TLDS)}, announce.", readme_text(word(), "lib"),
                                                                                f"Download: {release_download()} (checksums in SHA256SUMS). Older versions: {release_download()}",
                                                                                "Bienvenue ! Voici comment configurer l'environnement de développement."])
    if itype == "snippet":
        return C(["helper", "CI config", "query", "Makefile snippet", "nginx conf", "odds converter", "phone parsing test"]), C([
            "def add(a, b):\n    return a + b\n", "SELECT id, name FROM users WHERE active;\n", "server {\n  listen 443 ssl;\n  server_name example.org;\n}\n",
            "def decimal_to_american(odds):\n    return (odds - 1) * 100 if odds >= 2 else -100 / (odds - 1)\n", "assert parse('+44 20 7946 0958').country == 'GB'\n",
            log_lines(), "#!/bin/sh\nset -e\ncurl -fsSL https://get." + word() + ".sh | sh\n", code_text(), code_text(), code_text()]) * rng.randint(1, 4)
    return None, None

# --- items -----------------------------------------------------------------------
DISPOSABLE = ["mailinator.com", "yopmail.com", "guerrillamail.com", "sharklasers.com", "trashmail.com", "10minutemail.com", "tempmail.plus", "mail.tm"]
FREE = ["gmail.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "proton.me", "icloud.com", "mail.ru", "qq.com", "yandex.ru", "gmx.de"]
ORG = ["ethz.ch", "mit.edu", "cern.ch", "inria.fr", "tum.de", "acme-cloud.com", "paycorp.io", "datalab.org", "uni-heidelberg.de", "oddslab.io"]
INSTANCES = ["gitlab.example.org", "gitlab.gnome.org", "code.example.com", "git.example.net", "gitlab.freedesktop.org"]

def item(itype, texts, label, *, email_domain, confirmed, age, known, uname, instance):
    it = {"type": itype, "id": str(rng.randint(1, 10**6)), "event_type": "", "web_url": f"https://{instance}/{uname}", "visibility": "public",
          "created_at": "", "updated_at": "",
          "author": {"id": rng.randint(1, 10**7), "username": uname, "name": display_name(uname), "email": f"{uname}@{email_domain}" if known else "",
                     "email_source": "api" if known else "", "state": "active", "is_admin": False, "bot": False, "created_at": "",
                     "confirmed_at": "x" if confirmed else "", "note": ""},
          "text": [[k, v] for k, v in texts if v], "refs": {}, "raw": {}}
    signals = {"email_known": known, "instance_host": instance}
    if known:
        signals.update({"account_age_days": age, "email_confirmed": confirmed, "disposable_email": email_domain in DISPOSABLE, "email_domain": email_domain})
    return {"label": label, "item": it, "signals": signals, "weight": 4}

TYPES = ["user"] * 4 + ["snippet"] * 2 + ["issue"] * 2 + ["note"] * 2 + ["project", "project", "group", "merge_request", "wiki_page"]

def account(spam, itype):
    known = itype == "user" or rng.random() < 0.5
    if spam:
        dom = C(DISPOSABLE + FREE * 3 + ["gmail.com"] * 3 + [domain(word(), SPAM_TLDS)])
        age = rng.uniform(0, 0.2) if itype == "user" else C([rng.uniform(0, 1), rng.uniform(0, 7), rng.uniform(0, 60), rng.uniform(0, 900)])
        confirmed = rng.random() < 0.75
    else:
        dom = C(FREE * 2 + ORG)
        age = rng.uniform(0, 0.2) if itype == "user" else C([rng.uniform(0, 1), rng.uniform(0, 30), rng.uniform(30, 4000), rng.uniform(300, 4000)])
        confirmed = rng.random() < 0.9
    return dict(email_domain=dom, confirmed=confirmed, age=age, known=known)

def spam_item(family=None, text=None, itype=None):
    family = family or C([f for f, w in SPAM_FAMILIES for _ in range(w)])
    fixed, itype = itype, C(TYPES)
    if family == "link_farm": itype = C(["project", "group", "snippet"])
    if family == "malware_lure": itype = C(["note", "note", "issue"])
    if family == "tea": itype = "project"
    if family == "code_wrapped": itype = C(["snippet", "snippet", "project", "merge_request"])
    if family == "backlink_mr": itype = "merge_request"
    if family == "comment_link": itype = C(["note"] * 4 + ["issue", "merge_request", "wiki_page", "snippet", "user"])
    if family == "casino_platform": itype = C(["issue", "project", "snippet", "note", "user", "group", "wiki_page"])
    if family == "chat_spam": itype = C(["note"] * 6 + ["issue", "snippet", "user", "wiki_page"])
    if family in ("seo", "website_only"): itype = "user"
    itype = fixed or itype
    acc = account(True, itype)
    uname = username(True)
    instance = C(INSTANCES)
    body, dom = (text, None) if text else spam_content(family)
    if itype == "user":
        if family == "website_only":
            texts = [("username", uname), ("name", C([display_name(uname), C(SERVICES).title(), word().title()])), ("website_url", url(domain(C(SERVICES).replace(" ", "")[:10], SPAM_TLDS), "https://"))]
        elif family == "seo":
            svc, city = C(SERVICES), C(CITIES)
            texts = [("username", uname), ("name", C([display_name(uname), f"{svc.title()} {city}"])), ("bio", seo_profile_bio(svc, city)),
                     ("website_url", url(dom or domain(svc.replace(" ", "")[:10], SPAM_TLDS), "https://")), ("location", maybe(0.6, city)),
                     ("organization", maybe(0.4, f"{svc.title()} {C(['LLC', 'Ltd', 'Co', 'Pros'])}"))]
        else:
            texts = [("username", uname), ("name", C([display_name(uname), body[:40]])), ("bio", body[:250]),
                     ("website_url", maybe(0.5, url(domain(word(), SPAM_TLDS), "https://"))), ("location", maybe(0.4, C(CITIES)))]
    elif itype == "snippet":
        lines = [body] + [C([body, spam_content(family)[0]]) for _ in range(rng.randint(0, 6))]
        texts = [("title", body.split(".")[0][:80]), ("description", maybe(0.4, body[:120])), ("file_names", word() + C([".txt", ".md", ".html", ".json", ".py"])),
                 ("content", "\n".join(lines))]
    elif itype == "merge_request" and family == "backlink_mr":
        texts = [("title", C(["Update README.md", "Add resource", "docs: add link", "Update docs", "Added useful link"])),
                 ("description", maybe(0.5, C(["Added a helpful resource for users.", "Small docs improvement.", "I think this link would help readers."]))),
                 ("added_lines", body + "\n")]
    elif itype in ("issue", "merge_request", "wiki_page"):
        texts = [("title", body.split(".")[0][:90]), ("description" if itype != "wiki_page" else "content", body)]
    elif itype == "note":
        texts = [("body", body)]
    elif itype == "project":
        name = "-".join(body.lower().split()[:4])[:40]
        texts = [("name", name), ("path", f"{uname}/{name}"), ("description", body[:200]), ("readme", maybe(0.7, f"# {name}\n\n{body}\n\n{spam_content(family)[0]}"))]
    else:
        name = " ".join(body.split()[:4])
        projects = "\n".join(f"{word()}-{word()}: {spam_content(family)[0][:100]}" for _ in range(rng.randint(0, 6)))
        texts = [("name", name), ("path", name.lower().replace(" ", "-")[:30]), ("description", body[:200]), ("projects", projects)]
    return dict(item(itype, texts, "spam", uname=uname, instance=instance, **acc), family=family)

def ham_item(itype=None):
    itype = itype or C(TYPES)
    kind = None  # a project's or group's kind ("slots", "payments" ...): its family
    acc = account(False, itype)
    uname = username()
    instance = C(INSTANCES)
    if itype == "user":
        bio = ham_bio()
        site = maybe(0.45, ham_site())
        if not bio and rng.random() < 0.3: site = ham_site()  # a personal site and nothing else: real people do that too
        texts = [("username", uname), ("name", display_name(uname)), ("bio", bio), ("website_url", site), ("location", maybe(0.4, C(CITIES))),
                 ("organization", maybe(0.3, C(ORGS))), ("job_title", maybe(0.2, C(["Software Engineer", "Researcher", "Student", "CTO", "Consultant"]))),
                 ("github", maybe(0.2, uname)), ("linkedin", maybe(0.1, uname))]
        if acc["known"] and acc["email_domain"] in ORG and site and rng.random() < 0.5:
            texts = [(k, (f"https://www.{acc['email_domain']}" if k == "website_url" else v)) for k, v in texts]
    elif itype in ("project", "group"):
        kind = C(["lib", "lib", "payments", "odds", "slots", "iptv", "seo", "marketing", "pharmacy", "keys", "mirrors"])
        name = C([word(), word() + "-" + C(["rs", "py", "js", "sdk", "cli", "api"]), C(["pay", "odds", "slot", "iptv", "seo", "rx", "key"]) + "-" + word()])
        if itype == "project":
            foreign = rng.random() < 0.25
            description = foreign_ham("project").split("\n")[0] if foreign else readme_text(name, kind).split("\n\n")[2]
            readme = readme_text(name, kind) + maybe(0.2, "\n\n" + foreign_ham("wiki_page"))
            if foreign and rng.random() < 0.6:
                readme = f"# {name}\n\n{description}\n\n" + foreign_ham("wiki_page")
            texts = [("name", name), ("path", f"{uname}/{name}"), ("description", description), ("readme", maybe(0.7, readme))]
        else:
            foreign = rng.random() < 0.3
            desc = foreign_ham("group").split(chr(10))[0] if foreign else C([f"{C(TOPICS).capitalize()} projects of {C(ORGS)}", foreign_ham("group").split(chr(10))[0],
                      f"Official group of the {word().title()} project: {C(TOPICS)} tools, docs and website. https://{word()}.org",
                      f"{C(ORGS)} engineering. Open-source {C(TOPICS)} components we maintain. Careers: https://{word()}.{C(HAM_TLDS)}/jobs",
                      f"Course projects for {C(['CS101', 'Distributed Systems', 'Compilers', 'Web Engineering'])} ({rng.randint(2019, 2026)}).",
                      f"Community forks and plugins for {word().title()}.", f"Payments and crypto integrations by {C(ORGS)}: SDKs, examples and sandboxes.",
                      f"Research group on {C(TOPICS)} at {C(['ETH Zurich', 'TU Delft', 'KTH', 'University of Tokyo', 'USP'])}."])
            project = (lambda: foreign_ham("project").split(chr(10))[0]) if foreign else (lambda: f"{C(TOPICS)} {C(['library', 'tools', 'docs', 'experiments'])}")
            texts = [("name", name.title()), ("path", name), ("description", maybe(0.85, desc)),
                     ("projects", "\n".join(f"{word()}: {project()}" for _ in range(rng.randint(0, 5))))]
    else:
        title, body = ham_item_text(itype)
        field = {"issue": "description", "merge_request": "description", "wiki_page": "content", "snippet": "content", "note": "body"}[itype]
        texts = ([("title", title)] if title else []) + [(field, body)]
        if itype == "snippet": texts.insert(1, ("file_names", word() + C([".py", ".sql", ".conf", ".sh", ".txt"])))
        if itype == "merge_request" and rng.random() < 0.5: texts.append(("added_lines", C(["- [Docs](https://docs." + word() + ".org)\n", "+version = \"1.2.3\"\n", "fix: handle empty config\n"])))
    x = item(itype, texts, "ham", uname=uname, instance=instance, **acc)
    return dict(x, family=kind) if kind else x

import copy  # noqa: E402
import re  # noqa: E402
import zlib  # noqa: E402

def pasted_by(first, other):
    """first's item, pasted by other's account: a campaign's copy. A profile
    keeps its own username and name; the rest is first's, word for word."""
    x = copy.deepcopy(first)
    x["item"]["id"], x["item"]["author"], x["signals"] = other["item"]["id"], other["item"]["author"], other["signals"]
    own = {k: v for k, v in other["item"]["text"] if k in ("username", "name")}
    x["item"]["text"] = [[k, own.get(k, v)] for k, v in x["item"]["text"]]
    return x

out = []
SCALE = float(os.environ.get("TRAINING_DATA_SCALE", "1"))
for _ in range(int(7600 * SCALE)):
    out.append(spam_item())
for _ in range(int(300 * SCALE)):  # campaigns: one text, several accounts
    fam = C(["care", "casino", "comment_link", "crypto", "movie", "crack"])
    text = spam_content(fam)[0]
    # Each account's item is drawn (so the stream's draws stay as they were)
    # and then made the first one's copy: a campaign pastes the same item,
    # not the same sentence into items of other kinds.
    group = [spam_item(fam, text) for _ in range(rng.randint(3, 6))]
    out.extend([group[0]] + [pasted_by(group[0], x) for x in group[1:]])
for _ in range(int(13000 * SCALE)):
    out.append(ham_item())
rng.shuffle(out)

# Sign-up bursts (src/classify/campaigns.h): accounts registered together,
# each with its own bio and site but one make: an e-mail domain, a username
# pattern, sites under one TLD. Spam bursts are bots; ordinary ones are a
# workshop or a class signing up with the school's or a free mail domain,
# a few of them with a site (a bot's payload is its link; a student's not).
# Each burst lands in one place of the stream (the sign-up window is a few
# hundred lines there).
MAKES = [lambda f, l: f"{f}_{l}{rng.randint(1000, 9999)}", lambda f, l: f"{f}{l}{rng.randint(100, 999)}",
         lambda f, l: f"{f}.{l}{rng.randint(10, 99)}", lambda f, l: f"{f}-{l}-{rng.randint(10, 99)}",
         lambda f, l: f"{l}{f[0]}{rng.randint(1, 9)}", lambda f, l: f"{f}.{l}", lambda f, l: f"{f}_{l}"]

def remake(x, uname, email_domain, tld, keep_site_label, site_share=1.0):
    a = x["item"]["author"]
    a.update(username=uname, name=display_name(uname), email=f"{uname}@{email_domain}", email_source="api")
    x["signals"].update(email_known=True, email_domain=email_domain, disposable_email=email_domain in DISPOSABLE)
    texts = dict(x["item"]["text"])
    site = texts.get("website_url", "")
    host = site.split("//", 1)[-1].split("/")[0].removeprefix("www.") if site else ""
    label = host.split(".")[0] if keep_site_label and host else C([f"{C(FIRST)}{C(LAST)}", word(), f"{word()}-{word()}"])
    texts["username"] = uname
    texts["website_url"] = f"https://{label}.{tld}" if rng.random() < site_share else ""
    x["item"]["text"] = [[k, v] for k, v in texts.items() if v]
    x["item"]["web_url"] = x["item"]["web_url"].rsplit("/", 1)[0] + "/" + uname
    return x

def user_of(make_item):
    while True:
        x = make_item()
        if x["item"]["type"] == "user":
            return x

bursts = []
for _ in range(int(120 * SCALE)):
    make, dom, tld = C(MAKES[:5]), C(DISPOSABLE + FREE + [domain(word(), SPAM_TLDS)]), C(SPAM_TLDS)
    fams = ["seo", "website_only", "seo", None]
    bursts.append([remake(user_of(lambda: spam_item(C(fams))), make(C(FIRST), C(LAST)), dom, tld, True)
                   for _ in range(rng.randint(3, 7))])
for _ in range(int(60 * SCALE)):
    make, dom, tld = C(MAKES), C(ORG + ["gmail.com"]), C(HAM_TLDS)
    # A class signs up with the school's domain, a few of them with a site;
    # or colleagues, linking their company's site.
    colleagues = dom in ORG and rng.random() < 0.5
    group = [remake(user_of(ham_item), make(C(FIRST), C(LAST)), dom, tld, False, 0.3) for _ in range(rng.randint(3, 8))]
    for x in group if colleagues else []:
        x["item"]["text"] = [[k, f"https://www.{dom}" if k == "website_url" else v] for k, v in x["item"]["text"]]
    bursts.append(group)
for group in bursts:
    at = rng.randint(0, len(out))
    out[at:at] = group
# Floods (src/classify/campaigns.h): one account posting item after item of
# one type within a day. Bots make tea-protocol projects, snippet after
# snippet of one family, issues on project after project, and paste one
# comment under issue after issue (near-duplicates of one author). People
# flood too: a reviewer's notes, a migration importing projects, a triager
# filing issues, a maintainer's stale-issue or CLA notice pasted each time,
# dependency-update merge requests, a course's snippets. Each flood lands in
# one place of the stream, its items in turn with others' between them.
def as_author(x, first):
    """x, posted by first's account."""
    x["item"]["author"] = copy.deepcopy(first["item"]["author"])
    x["signals"] = copy.deepcopy(first["signals"])
    return x

def repost(x):
    """x again, as another item (a new id; a number in it changed)."""
    y = copy.deepcopy(x)
    y["item"]["id"] = str(rng.randint(1, 10**6))
    y["item"]["text"] = [[k, v.replace("#", f"#{rng.randint(1, 999)} ", 1) if "#" in v else v + C(["", " ", f" (#{rng.randint(1, 999)})", "\n"])]
                         for k, v in y["item"]["text"]]
    return y

def flood(make, n, repeat=False):
    first = make()
    items = [first]
    for _ in range(n - 1):
        items.append(repost(first) if repeat else as_author(make(), first))
    return items

NOTICES = ["This issue has been automatically marked as stale because it has not had recent activity. It will be closed in 14 days if no further activity occurs. Thank you for your contributions.",
           "Thanks for your merge request! Before we can review it, please sign our Contributor License Agreement at https://cla.{}.org and leave a comment here when done.",
           "Could you please provide the output of `gitlab-rake gitlab:env:info` and the exact version you are running? We cannot reproduce this without it.",
           "Closing as a duplicate of #{}. Please follow that issue for updates and add your use case there rather than opening a new one.",
           "Este problema se cerró automáticamente por inactividad. Si sigue ocurriendo con la última versión, abra uno nuevo con los registros.",
           "This merge request has been open for 90 days without activity and will be closed. Rebase it on main and reopen it if it is still needed."]

def notice():
    t = C(NOTICES)
    return t.format(word()) if "{}" in t else t

def notice_note():
    x = ham_item("note")
    x["item"]["text"] = [["body", notice()]]
    return x

floods = []
for _ in range(int(70 * SCALE)):
    kind = C(["tea", "tea", "project", "snippet", "snippet", "issue", "group", "wiki_page", "repeat_note", "repeat_note", "repeat_issue", "repeat_snippet"])
    n = rng.randint(3, 12)
    if kind == "tea": floods.append(flood(lambda: spam_item("tea", itype="project"), n))
    elif kind in ("project", "snippet", "issue", "group", "wiki_page"):
        fam = C(["casino", "crack", "movie", "iptv", "essay", "care", "crypto", "link_farm", "pharma", "loan"])
        floods.append(flood(lambda: spam_item(fam, itype=kind), n))
    else:
        fam = C(["comment_link", "malware_lure", "care", "crypto", "casino", "crack"])
        floods.append(flood(lambda: spam_item(fam, itype=kind.split("_")[1]), n, repeat=True))
for _ in range(int(110 * SCALE)):
    kind = C(["note", "note", "note", "project", "project", "issue", "issue", "snippet", "merge_request", "wiki_page", "group", "notice", "notice", "update_mr"])
    n = rng.randint(3, 15)
    if kind == "notice": floods.append(flood(notice_note, n, repeat=True))
    elif kind == "update_mr":
        mr = lambda: ham_item("merge_request")
        floods.append(flood(lambda: next(x for x in iter(mr, None) if x["item"]["text"][0][1].startswith("Update dependency")), n,
                            repeat=rng.random() < 0.5))
    else: floods.append(flood(lambda: ham_item(kind), n))
for group in floods:
    at = rng.randint(0, len(out))
    step = rng.randint(1, 40)  # others' items between the flood's
    for k, x in enumerate(group):
        out.insert(min(at + k * step, len(out)), x)

# References (src/classify/links.h, IsReferenceDomain): ordinary discussion
# cites where developers send each other (an upstream issue, the language's
# docs, a Q&A answer, an RFC, a package's page), and many developers' only
# site is their code host's profile. Some spam cites a reference too, next
# to its own link, to look like help. Drawn after everything above, so the
# items before are the same.
def reference_link():
    n, w, v = rng.randint(1, 99999), word(), f"{rng.randint(0, 9)}.{rng.randint(0, 30)}"
    return C([f"https://github.com/{word()}/{w}/issues/{n}", f"https://github.com/{word()}/{w}/pull/{n}", f"https://gitlab.com/{word()}/{w}/-/merge_requests/{n}",
              f"https://stackoverflow.com/questions/{rng.randint(10**6, 8 * 10**7)}/{w}-{word()}", f"https://unix.stackexchange.com/a/{n}",
              f"https://docs.python.org/3/library/{C(['asyncio', 'json', 'subprocess', 'typing', 'logging', 'pathlib'])}.html",
              f"https://developer.mozilla.org/en-US/docs/Web/{C(['HTTP/Headers/Cache-Control', 'API/Fetch_API', 'JavaScript/Reference/Global_Objects/Promise', 'CSS/grid'])}",
              f"https://en.cppreference.com/w/cpp/{C(['thread/mutex', 'container/vector', 'memory/shared_ptr', 'chrono'])}", f"https://docs.rs/{w}/latest/{w}/",
              f"https://crates.io/crates/{w}", f"https://pypi.org/project/{w}/{v}/", f"https://www.npmjs.com/package/{w}", f"https://pkg.go.dev/{C(['net/http', 'context', 'sync'])}",
              f"https://www.rfc-editor.org/rfc/rfc{C(['9110', '7231', '6749', '8446', '3339', '5322'])}", f"https://datatracker.ietf.org/doc/html/rfc{C(['9110', '7519', '6455'])}",
              f"https://kubernetes.io/docs/concepts/{C(['workloads/pods/', 'services-networking/ingress/', 'configuration/secret/'])}",
              f"https://docs.docker.com/{C(['engine/reference/builder/', 'compose/', 'build/cache/'])}", f"https://docs.gitlab.com/ee/{C(['ci/yaml/', 'api/users.html', 'user/project/merge_requests/'])}",
              f"https://man7.org/linux/man-pages/man{rng.randint(1, 8)}/{w}.{rng.randint(1, 8)}.html", f"https://en.wikipedia.org/wiki/{w.capitalize()}",
              f"https://wiki.archlinux.org/title/{w.capitalize()}", f"https://bugs.debian.org/{rng.randint(10**5, 10**6)}", f"https://www.postgresql.org/docs/16/{w}.html",
              f"https://learn.microsoft.com/en-us/windows/{C(['wsl/', 'win32/api/'])}", f"https://bugzilla.mozilla.org/show_bug.cgi?id={rng.randint(10**5, 2 * 10**6)}",
              f"https://nginx.org/en/docs/http/ngx_http_{C(['proxy', 'ssl', 'rewrite'])}_module.html", f"https://sourceforge.net/projects/{w}/"])

def cite():
    u = reference_link()
    return C([f"See {u}", f"Upstream: {u}", f"Related: {u}", f"Per {u}", f"({u})", f"Docs: [{C(['the docs', 'reference', 'here', 'this page'])}]({u})",
              f"This is documented at {u}.", f"Same as {u}, which has a workaround.", f"Background: {u}", u])

def add_text(x, field, extra):
    texts = x["item"]["text"]
    for t in texts:
        if t[0] == field:
            t[1] = (t[1] + C(["\n\n", " ", "\n"]) + extra) if t[1] else extra
            return
    texts.append([field, extra])

BODY = {"note": "body", "issue": "description", "merge_request": "description", "wiki_page": "content", "project": "readme", "snippet": "description"}
for x in out:
    t = x["item"]["type"]
    if x["label"] == "ham":
        if t in BODY and rng.random() < {"note": 0.25, "issue": 0.3, "merge_request": 0.3, "wiki_page": 0.3, "project": 0.2, "snippet": 0.1}[t]:
            add_text(x, BODY[t], cite())
        elif t == "user" and rng.random() < 0.2:
            host = C(["github.com", "gitlab.com", "codeberg.org", "sourceforge.net", "stackoverflow.com/users/" + str(rng.randint(10**4, 10**7))])
            name = next((v for k, v in x["item"]["text"] if k == "username"), word())
            x["item"]["text"] = [[k, f"https://{host}/{name}" if k == "website_url" else v] for k, v in x["item"]["text"]]
            if not any(k == "website_url" for k, _ in x["item"]["text"]): x["item"]["text"].append(["website_url", f"https://{host}/{name}"])
    elif t in ("note", "issue", "merge_request", "wiki_page") and rng.random() < 0.08:
        add_text(x, BODY[t], cite())

# People do not paste each other's words. The texts above are composed from
# a few hundred parts, so two ordinary accounts draw the same note, snippet
# or runbook far more often than two people write it, and the campaign
# memory (text from two or more other accounts; examples.cc counts it over
# the whole file) saw three times as many ordinary "campaigns" as spam ones,
# which taught the model that a text pasted by a third account is ordinary.
# An ordinary text that another account already wrote nearly the same gets
# what a person adds of their own: where it happened, with what, a word of
# theirs.
# Issue templates stay alike (their headings are everybody's; the filled-in
# part differs), as do one account's own notices.
def own_words():
    return " ".join([C(["Seen on", "Happens on", "Here on", "For us on", "On our side,", "Tested on", "Context:", "FWIW, on"]),
                     C(["Debian 12", "Ubuntu 24.04", "macOS 14", "Windows 11", "Fedora 40", "Alpine 3.19", "arm64", "a Raspberry Pi", "k8s 1.29", "WSL2"]),
                     C(["with", "using", "and", "under"]), f"{word()} {rng.randint(1, 20)}.{rng.randint(0, 30)}",
                     C(["behind a proxy", "in CI only", "on a fresh clone", "after a reboot", "in the staging cluster", "with the default config",
                        "since this morning", "on two of our machines", "in our fork", "for the second time"]) + ".",
                     C(["", f"Our {word()} team hit it first.", f"cc @{word()}", f"Ticket {word().upper()}-{rng.randint(10, 9999)} on our side.",
                        f"Build {rng.randint(100, 99999)}.", f"Host {word()}-{rng.randint(1, 40)}."])]).strip()

def shingles(x):
    words = "".join(c if c.isalnum() else " " for c in " ".join(v for k, v in x["item"]["text"] if k not in ("username", "name", "path")).lower()).split()
    return {zlib.crc32(" ".join(words[i:i + 3]).encode()) for i in range(len(words) - 2)} if len(words) >= 8 else set()

def make_own(x):
    """x with a person's own words: after the text, and inside a long one
    (code, logs), where a few words at the end would not make it theirs."""
    field = {"note": "body", "issue": "description", "merge_request": "description", "wiki_page": "content", "project": "readme",
             "group": "description", "snippet": "content"}[x["item"]["type"]]
    for t in x["item"]["text"]:
        if t[0] == field and t[1].count("\n") >= 3:
            lines = t[1].split("\n")
            for _ in range(min(4, len(lines) // 4)):
                at = rng.randint(1, len(lines) - 1)
                lines.insert(at, C(["# ", "// ", "-- ", ""]) + own_words())
            t[1] = "\n".join(lines)
    add_text(x, field, own_words())

# Near-duplicates as the campaign memory finds them, roughly: most of their
# three-word shingles shared (Jaccard >= 0.5), found through each text's four
# smallest shingles.
by_shingle, seen = {}, []
for x in out:
    if x["item"]["type"] == "user": continue
    sh = shingles(x)
    if not sh: continue
    author = x["item"]["author"].get("id") or x["item"]["author"].get("username")
    if x["label"] == "ham" and not next((v for k, v in x["item"]["text"] if k in ("description",)), "").startswith("### Summary"):
        candidates = {i for h in sorted(sh)[:4] for i in by_shingle.get(h, ())}
        if any(seen[i][1] != author and len(sh & seen[i][0]) >= 0.5 * len(sh | seen[i][0]) for i in candidates):
            make_own(x)
            sh = shingles(x)
    for h in sorted(sh)[:4]:
        by_shingle.setdefault(h, []).append(len(seen))
    seen.append((sh, author))

# Nor do three people link one small site unless it is theirs. The sites
# above are named from a few hundred syllable pairs, so ordinary accounts
# linked one "site" by chance about as often as spam campaigns link theirs,
# and the words model learnt the same domain from other accounts as a sign
# of ordinary text. An ordinary link to a domain that two other accounts
# already linked is renamed to a site of its own; the colleagues' company
# sites (ORG) and the references and platforms stay shared.
SHARED = set(ORG) | {"github.com", "gitlab.com", "stackoverflow.com", "stackexchange.com", "python.org", "mozilla.org", "cppreference.com", "docs.rs",
                     "crates.io", "pypi.org", "npmjs.com", "go.dev", "rfc-editor.org", "ietf.org", "kubernetes.io", "docker.com", "man7.org",
                     "wikipedia.org", "archlinux.org", "debian.org", "postgresql.org", "microsoft.com", "nginx.org", "sourceforge.net", "shields.io",
                     "readthedocs.io", "github.io", "pythonhosted.org", "golang.org", "f-droid.org", "dropbox.com", "mediafire.com", "mega.nz",
                     "example.org", "example.com", "example.net", "codeberg.org", "gnome.org", "freedesktop.org"}
HOST = re.compile(r"(?:https?://|www\.)([a-z0-9.-]+\.[a-z]{2,})", re.I)

def registrable(host):
    labels = host.lower().strip(".").split(".")
    two = ".".join(labels[-2:])
    return ".".join(labels[-3:]) if two in ("co.uk", "com.au", "co.id", "com.br", "com.vn", "com.mx") and len(labels) > 2 else two

linkers = {}
for x in out:
    author = x["item"]["author"].get("id") or x["item"]["author"].get("username")
    doms = {registrable(h) for _, v in x["item"]["text"] for h in HOST.findall(v)} - SHARED
    for d in sorted(doms):
        if x["label"] == "ham" and len(linkers.get(d, set()) - {author}) >= 2 and "." in d:
            own = f"{word()}{C(['', '-'])}{word()}.{d.split('.', 1)[1]}"
            x["item"]["text"] = [[k, re.sub(r"(?<![a-z0-9-])" + re.escape(d) + r"(?![a-z0-9-])", own, v, flags=re.I)] for k, v in x["item"]["text"]]
            d = own
        linkers.setdefault(d, set()).add(author)

with open(sys.argv[1] if len(sys.argv) > 1 else "models/training_data.jsonl", "w") as f:
    for x in out:
        f.write(json.dumps(x, ensure_ascii=False) + "\n")
print(len(out), "items;", sum(x["label"] == "spam" for x in out), "spam")
