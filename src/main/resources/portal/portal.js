// drgw portal: progressive enhancement only; every flow works without this file.
(function () {
  'use strict';

  // Create / edit account: show the customer subdomains while the label is typed, and say at
  // once when one would be longer than Microsoft Entra ID accepts (the server refuses it too).
  function subdomainPreview() {
    var box = document.getElementById('subdomain-preview');
    var input = document.getElementById('subdomain');
    if (!box || !input) return;
    var domains = box.getAttribute('data-domains').split(' ');
    var max = parseInt(box.getAttribute('data-max'), 10);
    var list = box.querySelector('ul');
    var message = document.getElementById('subdomain-length');

    function tooLong() {
      var label = input.value.trim();
      return label !== '' && domains.some(function (d) { return (label + '.' + d).length > max; });
    }

    function render() {
      var label = input.value.trim() || '<label>';
      list.textContent = '';
      domains.forEach(function (d) {
        var full = label + '.' + d;
        var item = document.createElement('li');
        if (full.length > max) item.className = 'too-long';
        var code = document.createElement('code');
        code.textContent = full;
        var len = document.createElement('span');
        len.className = 'len';
        len.textContent = full.length + ' characters';
        item.appendChild(code);
        item.appendChild(document.createTextNode(' '));
        item.appendChild(len);
        list.appendChild(item);
      });
      if (tooLong()) {
        message.textContent = 'The customer subdomain would be longer than ' + max
          + ' characters, which Microsoft 365 does not accept: choose a shorter subdomain.';
        message.hidden = false;
        input.setAttribute('aria-invalid', 'true');
      } else {
        message.hidden = true;
        message.textContent = '';
        if (!input.closest('.field').classList.contains('invalid')) input.removeAttribute('aria-invalid');
      }
      document.querySelectorAll('label[for^="token"] + .hint').forEach(function (hint, i) {
        if (domains[i]) hint.textContent = 'The TXT value the Microsoft 365 admin center shows for ' + label + '.' + domains[i] + '.';
      });
    }

    input.setAttribute('aria-describedby', (input.getAttribute('aria-describedby') || '') + ' subdomain-length');
    input.addEventListener('input', render);
    render();
  }

  // Setup guide: a Copy button for the PowerShell.
  function copyButtons() {
    document.querySelectorAll('button[data-copy]').forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        var text = document.getElementById(button.getAttribute('data-copy')).textContent;
        navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied'; });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    subdomainPreview();
    copyButtons();
  });
})();
