// The scan page's optional "share my approximate location" button. A file, not an inline script, so the
// Content-Security-Policy (script-src 'self') allows it; the values come from the button's data attributes.
(function () {
  var b = document.getElementById("share");
  if (!b || !navigator.geolocation || !window.fetch) return;
  b.hidden = false;
  b.onclick = function () {
    navigator.geolocation.getCurrentPosition(function (p) {
      var f = new FormData();
      f.append("token", b.dataset.token);
      f.append("lat", p.coords.latitude);
      f.append("lon", p.coords.longitude);
      fetch(b.dataset.url, { method: "POST", body: f }).then(function () {
        b.hidden = true;
        document.getElementById("shared").textContent = b.dataset.thanks;
      });
    });
  };
})();
