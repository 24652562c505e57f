/**
 * The report page's script, inlined in its <script> element. It reads the rows embedded as
 * JSON, keeps the ones the filters let through, and builds their elements a page at a time
 * as the reader scrolls, so that 10,000 rows cost what the screen shows. Every text goes in
 * through textContent or a property, never as HTML.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var ROWS_PER_PAGE = 50;
  var PEOPLE = -1;
  var list = document.getElementById('rows');
  var sentinel = document.getElementById('more');
  var shownLine = document.getElementById('shown');
  // A page of images checked on disk (check --report) has no uncertainty slider.
  var slider = document.getElementById('threshold');
  var search = document.getElementById('search');
  var state = { view: 'all', threshold: slider ? Number(slider.value) : 0, query: '' };
  var matching = [];
  var built = 0;
  var judged = data.rows.some(function (row) { return row.compliance !== undefined; });
  var rowsNoun = data.checkedAgainst !== undefined ? ' images' : ' results';
  var order = !judged ? 'least certain first'
    : data.checkedAgainst !== undefined ? 'would-be-refused first' : 'would-be-refused first, then least certain';

  data.rows.forEach(function (row) {
    row.searchText = (row.kind === 'image' ? row.image : row.input + '\n' + (row.output || '')).toLowerCase();
  });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function isUncertain(row) {
    return row.uncertainty === PEOPLE || (row.uncertainty !== undefined && row.uncertainty >= state.threshold);
  }

  var VIEWS = {
    all: function () { return true; },
    failed: function (row) { return row.status === 'failed'; },
    refused: function (row) { return row.compliance !== undefined && row.compliance.verdict === 'refused'; },
    uncertain: function (row) { return row.status === 'ok' && isUncertain(row); },
    ignored: function (row) { return row.ignoredParameters !== undefined; },
  };

  /**
   * An image much smaller than its box (an icon, a test pattern) would show as a dot: it is
   * drawn a whole number of times larger, its pixels kept sharp, its proportions kept.
   */
  function enlargeIfTiny(image, box) {
    var scale = Math.floor(Math.min(box.clientWidth / image.naturalWidth, box.clientHeight / image.naturalHeight));
    if (!(scale >= 2)) return;
    image.classList.add('enlarged');
    image.style.width = image.naturalWidth * scale + 'px';
    image.style.height = image.naturalHeight * scale + 'px';
  }

  /** An input in a format browsers do not show (TIFF, HEIC): a link to it, and a word on why no picture. */
  function unshownThumbnail(href, format, name) {
    var figure = element('figure');
    var link = element('a', 'thumb none');
    link.href = href;
    link.target = '_blank';
    link.title = 'Open the file';
    link.append(element('span', '', name), element('span', 'unshown', format + ': browsers do not show it'));
    figure.appendChild(link);
    figure.appendChild(element('figcaption', '', 'input'));
    return figure;
  }

  function thumbnail(href, caption, fallback) {
    var figure = element('figure');
    if (href) {
      var link = element('a', 'thumb');
      link.href = href;
      link.target = '_blank';
      link.title = 'Open full size';
      var image = element('img');
      image.loading = 'lazy';
      image.decoding = 'async';
      image.alt = caption;
      image.src = href;
      image.addEventListener('load', function () { enlargeIfTiny(image, link); });
      // A file that is not an image (a failure's input) shows its name, not a broken image.
      image.addEventListener('error', function () {
        link.replaceWith(element('div', 'thumb none', fallback));
      });
      link.appendChild(image);
      figure.appendChild(link);
    } else {
      figure.appendChild(element('div', 'thumb none', fallback));
    }
    figure.appendChild(element('figcaption', '', caption));
    return figure;
  }

  function badges(row) {
    var box = element('div', 'badges');
    if (row.status === 'failed') box.appendChild(element('span', 'badge bad', row.kind === 'image' ? 'could not be read' : row.unfinished ? 'not processed' : 'failed'));
    if (row.uncertainty === PEOPLE) box.appendChild(element('span', 'badge warn', 'people present'));
    else if (row.uncertainty !== undefined) {
      var level = row.uncertainty >= 0.5 ? 'bad' : row.uncertainty >= 0.2 ? 'warn' : 'good';
      box.appendChild(element('span', 'badge ' + level, 'uncertainty ' + row.uncertainty.toFixed(2)));
    }
    if (row.ignoredParameters !== undefined) box.appendChild(element('span', 'badge warn', 'parameters ignored'));
    return box;
  }

  function copyButton(text) {
    var button = element('button', 'copy', 'Copy');
    button.type = 'button';
    button.addEventListener('click', function () {
      var done = function (label) { button.textContent = label; };
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { done('Copied'); }, function () { done('Select and copy'); });
      else done('Select and copy');
    });
    return button;
  }

  function facts(row) {
    var list = element('dl', 'facts');
    function add(term, value, className) {
      list.appendChild(element('dt', '', term));
      var detail = element('dd', className);
      if (typeof value === 'string') detail.textContent = value;
      else value.forEach(function (node) { detail.appendChild(node); });
      list.appendChild(detail);
    }
    if (row.ignoredParameters !== undefined) add('Ignored parameters', row.ignoredParameters, 'ignored');
    if (row.textsDetected !== undefined) add('Texts detected', row.textsDetected);
    if (row.seed !== undefined) {
      var seed = element('code', 'seed', row.seed);
      seed.title = 'Give it as --background.seed to get this background again';
      add('AI background seed', [seed, copyButton(row.seed)]);
    }
    if (row.editFurtherUrl !== undefined) {
      var link = element('a', 'edit', 'Open in Photoroom');
      link.href = row.editFurtherUrl;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      add('Edit further', [link]);
    }
    return list;
  }

  function size(bytes) {
    return bytes < 1024 * 1024 ? Math.max(1, Math.round(bytes / 1024)) + ' KB' : (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  /** What was sent, and what it cost: the sidecar's record of the request. */
  function meta(row) {
    var parts = [];
    if (row.bytes !== undefined) parts.push(size(row.bytes));
    if (row.ms !== undefined) parts.push((row.ms / 1000).toFixed(1) + ' s');
    if (row.attempts !== undefined) parts.push(row.attempts + (row.attempts === 1 ? ' request' : ' requests'));
    var line = element('p', 'meta', parts.join(' · '));
    if (row.parameters && row.parameters.length > 0) {
      line.prepend(element('code', 'sent', row.parameters.join(' ')), parts.length > 0 ? ' · ' : '');
    }
    return line;
  }

  function inputName(row) {
    if (!row.inputUrl) return row.input;
    var link = element('a', '', row.input);
    link.href = row.inputUrl;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    return link;
  }

  var VERDICT_WORDS = { pass: 'passes', refused: 'would be refused', unjudged: 'not judged' };

  /** The compliance column: the preset's verdict and each failed rule, as recorded. */
  function verdictCell(row) {
    var cell = element('div', 'verdict');
    var compliance = row.compliance;
    if (compliance === undefined) {
      cell.appendChild(element('p', 'head', 'not checked'));
      return cell;
    }
    cell.classList.add(compliance.verdict);
    cell.appendChild(element('p', 'head', compliance.preset + ': ' + VERDICT_WORDS[compliance.verdict]));
    if (compliance.reasons.length > 0) {
      var reasons = element('ul', 'reasons');
      compliance.reasons.forEach(function (reason) { reasons.appendChild(element('li', '', reason)); });
      cell.appendChild(reasons);
    }
    return cell;
  }

  /** An image checked on disk: the image itself, and its verdict. */
  function imageElement(row) {
    var item = element('li', 'row image ' + row.status);
    item.appendChild(thumbnail(row.imageHref, 'image', row.image.split('/').pop()));
    var body = element('div', 'body');
    var title = element('div', 'title');
    title.appendChild(element('span', 'name', row.image));
    body.appendChild(title);
    body.appendChild(badges(row));
    item.appendChild(body);
    return item;
  }

  function rowElement(row) {
    var item = row.kind === 'image' ? imageElement(row) : resultElement(row);
    if (VIEWS.refused(row)) item.classList.add('refused');
    if (judged) item.appendChild(verdictCell(row));
    return item;
  }

  function resultElement(row) {
    var item = element('li', 'row ' + row.status);
    var inputFile = row.input.split('/').pop();
    item.appendChild(row.inputUnshown
      ? unshownThumbnail(row.inputHref, row.inputUnshown, inputFile)
      : thumbnail(row.inputHref, 'input', inputFile));
    item.appendChild(thumbnail(row.outputHref, 'output', row.status === 'failed' ? 'no output' : 'missing'));
    var body = element('div', 'body');
    var title = element('div', 'title');
    // An input that left no output is named by itself: the output it would have had exists nowhere.
    if (row.output === undefined) {
      var name = element('span', 'name');
      name.append(inputName(row));
      title.append(name, element('span', 'from', 'no output'));
    } else {
      title.appendChild(element('span', 'name', row.output));
      var from = element('span', 'from', 'from ');
      from.append(inputName(row));
      title.appendChild(from);
    }
    body.appendChild(title);
    body.appendChild(badges(row));
    if (row.error !== undefined) body.appendChild(element('p', 'error', row.error));
    body.appendChild(facts(row));
    if (row.outputHref) body.appendChild(meta(row));
    item.appendChild(body);
    return item;
  }

  function buildNextPage() {
    var page = document.createDocumentFragment();
    var end = Math.min(built + ROWS_PER_PAGE, matching.length);
    for (; built < end; built++) page.appendChild(rowElement(matching[built]));
    list.appendChild(page);
  }

  // Builds the next page when the end of the list comes near; observing again makes it
  // look once more, in case the new page still leaves the end in sight.
  var observer = new IntersectionObserver(function (entries) {
    if (!entries[0].isIntersecting || built >= matching.length) return;
    buildNextPage();
    observer.unobserve(sentinel);
    observer.observe(sentinel);
  }, { rootMargin: '600px 0px' });

  function counts() {
    var result = {};
    for (var name in VIEWS) result[name] = 0;
    data.rows.forEach(function (row) {
      for (var view in VIEWS) if (VIEWS[view](row)) result[view]++;
    });
    return result;
  }

  function showCounts() {
    var byView = counts();
    document.querySelectorAll('.filters button[data-view]').forEach(function (button) {
      button.querySelector('.count').textContent = byView[button.dataset.view].toLocaleString();
      button.setAttribute('aria-pressed', String(button.dataset.view === state.view));
    });
    if (slider) document.getElementById('threshold-value').textContent = state.threshold.toFixed(2);
  }

  function refresh() {
    var keep = VIEWS[state.view];
    matching = data.rows.filter(function (row) {
      return keep(row) && (state.query === '' || row.searchText.indexOf(state.query) >= 0);
    });
    built = 0;
    list.replaceChildren();
    buildNextPage();
    showCounts();
    shownLine.textContent = (matching.length === data.rows.length
      ? data.rows.length.toLocaleString()
      : matching.length.toLocaleString() + ' of ' + data.rows.length.toLocaleString()) + rowsNoun + ', ' + order;
    document.getElementById('empty').hidden = matching.length > 0;
    observer.unobserve(sentinel);
    observer.observe(sentinel);
  }

  function runSummary(run) {
    var line = document.getElementById('run');
    function fact(before, value, after, className) {
      var span = element('span', className, before);
      span.appendChild(element('b', '', value));
      span.append(after);
      line.appendChild(span);
    }
    /** Starts the next line of facts: what the folder holds, then what its latest run did. */
    function nextLine(className) {
      line = document.getElementById('run').appendChild(element('div', className));
    }
    if (data.checkedAgainst !== undefined) {
      var byVerdict = { pass: 0, refused: 0, unjudged: 0 };
      data.rows.forEach(function (row) { byVerdict[row.compliance.verdict]++; });
      nextLine('checked');
      fact('Checked on disk against ', data.checkedAgainst, ', nothing sent');
      fact('', String(byVerdict.pass), ' pass');
      fact('', String(byVerdict.refused), ' would be refused', byVerdict.refused > 0 ? 'failed' : '');
      fact('', String(byVerdict.unjudged), ' could not be read', byVerdict.unjudged > 0 ? 'failed' : '');
      return;
    }
    // The folder's state first: a rerun that changed nothing made 0 and skipped all, yet the results are there.
    var results = data.rows.filter(function (row) { return row.status === 'ok'; }).length;
    // An input a stopped run left unfinished did not fail: a rerun does it.
    var unfinished = data.rows.filter(function (row) { return row.unfinished; }).length;
    var failures = data.rows.length - results - unfinished;
    nextLine('state');
    fact('This folder holds ', results.toLocaleString(), results === 1 ? ' result' : ' results');
    fact('', failures.toLocaleString(), failures === 1 ? ' input failed' : ' inputs failed', failures > 0 ? 'failed' : '');
    if (unfinished > 0) fact('', unfinished.toLocaleString(), ' not processed (a run stopped; a rerun does them)', 'failed');
    nextLine('latest');
    if (!run) {
      line.textContent = 'No run log in this folder.';
      return;
    }
    var seconds = (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
    fact('Latest run ', new Date(run.startedAt).toLocaleString(), '');
    fact('took ', seconds < 60 ? seconds.toFixed(1) + ' s' : Math.round(seconds / 60) + ' min', '');
    fact('', String(run.ok), ' ok');
    fact('', String(run.failed), ' failed', run.failed > 0 ? 'failed' : '');
    fact('', String(run.skipped), ' skipped');
    if (run.notProcessed > 0) fact('', String(run.notProcessed), ' not processed', 'failed');
    fact('', String(run.requests), run.requests === 1 ? ' request' : ' requests');
    fact('', String(run.credits), run.credits === 1 ? ' credit used' : ' credits used');
  }

  document.querySelectorAll('.filters button[data-view]').forEach(function (button) {
    button.addEventListener('click', function () {
      state.view = button.dataset.view;
      refresh();
    });
  });
  if (slider) slider.addEventListener('input', function () {
    state.threshold = Number(slider.value);
    state.view = 'uncertain';
    refresh();
  });
  search.addEventListener('input', function () {
    state.query = search.value.trim().toLowerCase();
    refresh();
  });

  runSummary(data.run);
  refresh();
})();
`;
