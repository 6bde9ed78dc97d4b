/* Insights chart. Reads the series from <canvas id="insights-chart" data-chart="{...}">
   (rendered by the server: no inline script, no extra request) and draws it with Chart.js. */
(function () {
  'use strict';

  function draw() {
    var canvas = document.getElementById('insights-chart');
    if (!canvas || !window.Chart) return;
    var data;
    try { data = JSON.parse(canvas.getAttribute('data-chart') || '{}'); } catch (e) { return; }
    var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    var narrow = window.matchMedia && window.matchMedia('(max-width: 640px)').matches;
    new window.Chart(canvas, {
      data: {
        labels: data.labels || [],
        datasets: [
          { type: 'bar', label: 'Delivered', data: data.delivered || [],
            backgroundColor: '#a9c8ec', borderColor: '#0a66c2', borderWidth: 1, order: 3 },
          { type: 'line', label: 'Opened', data: data.opened || [], borderColor: '#915907',
            backgroundColor: '#915907', pointRadius: 2, tension: 0.2, order: 2 },
          { type: 'line', label: 'Responded', data: data.responded || [], borderColor: '#057642',
            backgroundColor: '#057642', pointRadius: 2, borderDash: [6, 3], tension: 0.2, order: 1 }
        ]
      },
      options: {
        animation: still ? false : undefined,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', reverse: true } },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: narrow ? 5 : 12 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
