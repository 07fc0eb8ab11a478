// The periodic task admin form: shows the chosen crontab in words under its field (django-celery-beat's inline
// script, moved here so the Content-Security-Policy can forbid inline scripts).
(function ($) {
  const readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const originalHelp = JSON.parse(document.getElementById("crontab-help").textContent);
  const help = $(".field-crontab .help");

  function showTranslation() {
    const translation = readableCrontabs[$("#id_crontab").val()];
    help.text(originalHelp);
    if (translation) {
      help.append($("<br>"), document.createTextNode("Translation: " + translation));
    }
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").on("change", showTranslation);
})(django.jQuery);
