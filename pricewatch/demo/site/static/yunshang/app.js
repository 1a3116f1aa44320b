/*
 * 云上优选 product page: a tiny "SPA". The HTML shell carries no product data; this script
 * fetches /api/products/<id>.json and renders the page after a short delay, the way slow
 * client-rendered shops behave. Crawlers therefore need a real browser to see the price.
 */
(function () {
  "use strict";

  var RENDER_DELAY_MS = 200;
  var app = document.getElementById("app");
  var match = window.location.pathname.match(/^\/goods\/(\d+)$/);
  if (!app || !match) {
    return;
  }

  // The API sends integer fen; show yuan with a thousands separator and two decimals.
  function yuan(fen) {
    var parts = (fen / 100).toFixed(2).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function render(goods) {
    var box = el("div", "goods");
    var img = el("img", "goods-image");
    img.src = goods.image;
    img.alt = goods.title;
    box.appendChild(img);
    box.appendChild(el("h1", "goods-title", goods.title));

    var priceRow = el("div", "price-row");
    var price = el("span", "price", "\u00a5" + yuan(goods.sale_price_fen));
    price.setAttribute("data-price", (goods.sale_price_fen / 100).toFixed(2));
    priceRow.appendChild(price);
    if (goods.market_price_fen) {
      priceRow.appendChild(el("del", "origin-price", "\u00a5" + yuan(goods.market_price_fen)));
    }
    box.appendChild(priceRow);

    var stockRow = el("div", "stock-row", "库存：");
    stockRow.appendChild(el("span", "stock", goods.stock_text));
    box.appendChild(stockRow);
    box.appendChild(el("div", "sku", "商品编号：" + goods.sku));

    document.title = goods.title + " - 云上优选";
    app.replaceChildren(box);
  }

  app.appendChild(el("div", "loading", "加载中…"));
  fetch("/api/products/" + match[1] + ".json", { headers: { Accept: "application/json" } })
    .then(function (resp) {
      if (!resp.ok) {
        throw new Error("HTTP " + resp.status);
      }
      return resp.json();
    })
    .then(function (payload) {
      window.setTimeout(function () {
        render(payload.data);
      }, RENDER_DELAY_MS);
    })
    .catch(function (err) {
      app.replaceChildren(el("div", "error", "商品加载失败：" + err.message));
    });
})();
