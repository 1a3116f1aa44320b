"""Stock wording and buy-button wording in the languages our users' competitors write in.

Tables only, compiled to regexes: what a stock block or a button says when an item is out of
stock, on pre-order or in stock, what a buy button says, and what a "notify me" control says.
:mod:`.availability` reads text with them and :mod:`.buybox` reads buttons with them.

Languages: English, 中文 (简体/繁體), 日本語, 한국어, Deutsch, Français, Italiano, Español,
Português, Polski, Nederlands, Русский, Türkçe, Slovenčina, Čeština, Hrvatski, Slovenščina,
Latviešu. Words of scripts with spaces match as whole words, any case; CJK and Korean match
anywhere (no word boundaries). The tables are matched after out-of-stock wording has been
ruled out, so "indisponible" never counts as the "disponible" inside it.
"""

from __future__ import annotations

import re

# Words written with spaces between them. Each entry is a regex fragment.
_OUT_WORDS = r"""
out[\s-]+of[\s-]+stock | outofstock | sold[\s-]*out | temporarily\s+out\s+of\s+stock |
not\s+(?:currently\s+)?(?:in\s+stock|available) | (?:currently\s+|temporarily\s+)?unavailable |
no\s+longer\s+available | no\s+stock | discontinued | 0\s+in\s+stock |
notify\s+me(?:\s+when\s+(?:available|in\s+stock|back))? |
email\s+me\s+when\s+(?:available|in\s+stock) |
nicht\s+(?:mehr\s+)?(?:verfügbar|lieferbar|auf\s+lager|vorrätig) | ausverkauft | vergriffen |
derzeit\s+nicht\s+(?:verfügbar|lieferbar) | zurzeit\s+nicht\s+(?:verfügbar|lieferbar) |
rupture(?:\s+de\s+stock)? | épuisé | épuisée | indisponible | plus\s+disponible | m'avertir |
non\s+(?:più\s+)?disponibile | esaurito | esaurita | avvisami |
agotado | agotada | no\s+disponible | sin\s+(?:stock|existencias) | avísame |
esgotado | esgotada | indisponível | sem\s+estoque | fora\s+de\s+estoque | avise-me |
niedostępny | niedostępna | niedostępne | wyprzedany | wyprzedane | brak\s+w\s+magazynie |
brak\s+towaru | chwilowo\s+niedostępny |
uitverkocht | niet\s+(?:op\s+voorraad|leverbaar|beschikbaar) |
нет\s+в\s+наличии | нет\s+на\s+складе | распродано | товар\s+закончился |
сообщить\s+о\s+поступлении |
stokta\s+yok | tükendi | stok\s+dışı | gelince\s+haber\s+ver |
vypredané | vypredaný | nie\s+je\s+skladom | vyprodáno | vyprodané | není\s+skladem | nedostupné |
nije\s+dostupno | rasprodano | nema\s+na\s+zalihi | ni\s+na\s+zalogi | razprodano |
nav\s+noliktavā | izpārdots | nav\s+pieejams
"""
_OUT_CJK = (
    "无货 無貨 缺货 缺貨 没货 沒貨 没有货 沒有貨 售罄 已售完 售完 已下架 下架 暂无现货 暫無現貨 "
    "暂无库存 暫無庫存 无库存 無庫存 库存不足 庫存不足 已抢光 已搶光 抢光了 已抢完 停售 到货通知 "
    "到貨通知 补货中 補貨中 在庫切れ 在庫なし 在庫無し 売り切れ 売切れ 品切れ 完売 販売終了 "
    "入荷待ち "
    "再入荷 품절 일시품절 재고\\s?없음 재입고\\s?알림 판매\\s?종료"
)
_PRE_WORDS = r"""
pre[\s-]?orders? | pre[\s-]?ordered | pre[\s-]?sale | back[\s-]?orders? | back[\s-]?ordered |
coming\s+soon | vorbestellung | vorbestellen | vorbestellbar | précommande | pré-commande |
preordine | preventa | pré-venda | przedsprzedaż | voorbestellen | предзаказ | ön\s+sipariş |
předobjednávka | predobjednávka
"""
_PRE_CJK = (
    "预售 預售 预定 預定 预订 預訂 预约 預約 即将上市 即將上市 即将开售 即將開售 予約受付 予約注文 "
    "予約商品 予約 예약\\s?판매 사전\\s?예약"
)
_IN_WORDS = r"""
in[\s-]+stock | instock | available | low\s+stock | only\s+\d+\s+left | \d+\s+in\s+stock |
auf\s+lager | lieferbar | sofort\s+lieferbar | verfügbar | vorrätig |
en\s+stock | disponible | disponibile | in\s+magazzino | en\s+existencia |
em\s+estoque | disponível | dostępny | dostępna | w\s+magazynie | op\s+voorraad | leverbaar |
beschikbaar | в\s+наличии | есть\s+на\s+складе | stokta(?:\s+var)? | skladom | na\s+sklade |
skladem | na\s+skladě | dostupno | na\s+zalihi | raspoloživo | na\s+zalogi | ir\s+noliktavā |
pieejams
"""
_IN_CJK = (
    "有货 有貨 现货 現貨 库存充足 庫存充足 在庫あり 在庫有り 在庫あります 재고\\s?있음 구매\\s?가능"
)
_BUY_WORDS = r"""
add\s+to\s+(?:cart|basket|bag|trolley|order) | buy\s+(?:it\s+)?now | buy\s+tickets? | book\s+now |
contact\s+(?:the\s+)?seller | message\s+(?:the\s+)?seller | make\s+an\s+offer |
reply\s+to\s+(?:the\s+)?ad |
verkäufer\s+kontaktieren | contacter\s+le\s+vendeur | contactar\s+(?:al\s+)?vendedor |
in\s+den\s+(?:warenkorb|einkaufswagen) | jetzt\s+kaufen | ajouter\s+au\s+panier |
aggiungi\s+al\s+carrello | acquista(?:\s+ora)? | añadir\s+al\s+(?:carrito|carro|cesta) |
agregar\s+al\s+carrito | comprar(?:\s+ahora)? | adicionar\s+ao\s+carrinho | dodaj\s+do\s+koszyka |
do\s+koszyka | kup\s+teraz | in\s+(?:de\s+)?winkelwagen | toevoegen\s+aan\s+winkelwagen |
в\s+корзину | купить | sepete\s+ekle | satın\s+al | do\s+košíku | do\s+košíka | koupit | kúpiť |
u\s+košaricu | v\s+košarico | ielikt\s+grozā
"""
_BUY_CJK = (
    "加入购物车 加入購物車 立即购买 立即購買 马上抢 立即抢购 カートに入れる カートに追加 "
    "今すぐ購入 購入する 联系卖家 聯絡賣家 聯繫賣家 장바구니 바로\\s?구매 구매하기"
)
_NOTIFY_WORDS = r"""
notify\s+me | email\s+me\s+when | alert\s+me | back\s+in\s+stock | join\s+(?:the\s+)?waitlist |
benachrichtigen | m'avertir | avvisami | avísame | avise-me | powiadom |
сообщить\s+о\s+поступлении |
gelince\s+haber\s+ver
"""
_NOTIFY_CJK = "到货通知 到貨通知 补货提醒 再入荷お知らせ 입고\\s?알림"


def _compile(words: str, cjk: str) -> re.Pattern[str]:
    latin = "|".join(w.strip() for w in words.replace("\n", " ").split(" | ") if w.strip())
    return re.compile(rf"(?<!\w)(?:{latin})(?!\w)|{'|'.join(cjk.split())}", re.I)


OUT_OF_STOCK = _compile(_OUT_WORDS, _OUT_CJK)
PREORDER = _compile(_PRE_WORDS, _PRE_CJK)
IN_STOCK = _compile(_IN_WORDS, _IN_CJK)
#: What an enabled buy control says (its text, ``value``, ``alt``, ``title`` or ``aria-label``);
#: on classified-ad pages "contact seller" is how an available item is bought.
BUY_BUTTON = _compile(_BUY_WORDS, _BUY_CJK)
#: A "tell me when it is back" control: the item cannot be bought now.
NOTIFY_ME = _compile(_NOTIFY_WORDS, _NOTIFY_CJK)
#: ``id``/``class``/``name`` of buy controls (``add-to-cart``, ``btn-cart``, ``buy_now``...).
BUY_ATTRIBUTE = re.compile(
    r"add[-_]?to[-_]?(?:cart|basket|bag)|addtocart|buy[-_]?now|btn[-_]?cart|cart[-_]?(?:submit|"
    r"button|btn)|single_add_to_cart|product-form__(?:submit|cart)|buy[-_]?button|buybutton",
    re.I,
)
#: ``id``/``class``/``name`` of notify-me and sold-out controls.
NOTIFY_ATTRIBUTE = re.compile(
    r"notify|back[-_]?in[-_]?stock|restock|waitlist|sold[-_]?out|out[-_]?of[-_]?stock", re.I
)
