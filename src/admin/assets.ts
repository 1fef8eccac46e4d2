// The admin pages' one stylesheet and one script, inlined with the page's CSP nonce
// (no other inline code runs). The script is progressive enhancement: every action
// is a plain form that works without it.

export const adminStyle = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; --accent: #0b57d0; --bad: #b3261e; --ok: #146c2e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f6f6f8; }
header.top { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
header.top nav { display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
.sites, .site-nav { display: inline-flex; gap: .8rem; padding-right: 1.2rem; border-right: 1px solid var(--line); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
a { color: var(--accent); }
a.on { font-weight: 700; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.notice { background: #e8f0fe; padding: .5rem .8rem; border-radius: 6px; }
.error { color: var(--bad); }
.queues { display: flex; gap: .4rem; flex-wrap: wrap; margin-bottom: .8rem; }
.queues a { padding: .3rem .7rem; border: 1px solid var(--line); border-radius: 999px; background: #fff; text-decoration: none; }
.queues a.on { background: var(--accent); color: #fff; border-color: var(--accent); }
.count { font-variant-numeric: tabular-nums; opacity: .8; }
.filters, .bulk, .ban-new { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; margin-bottom: .8rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; margin-bottom: .8rem; outline: none; }
.card.current, .card:focus { border-color: var(--accent); box-shadow: 0 0 0 2px #0b57d033; }
.card header { display: flex; gap: .5rem; align-items: baseline; flex-wrap: wrap; }
.meta, .where, .history, .hint { color: var(--muted); font-size: .88em; }
.badge { margin-left: auto; font-size: .8em; padding: .05rem .5rem; border-radius: 999px; background: #eee; }
.badge.pending { background: #fff3c4; } .badge.spam, .badge.rejected { background: #fde2e0; } .badge.published { background: #dcf3e3; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #ffe066; padding: 0 .1em; }
blockquote.parent { margin: .4rem 0; padding: .3rem .7rem; border-left: 3px solid var(--line); color: var(--muted); white-space: pre-wrap; }
.reasons, .reports { background: #fafafa; border-radius: 6px; padding: .4rem .7rem; margin: .4rem 0; font-size: .92em; }
.reasons ul, .reports ul { margin: .2rem 0; padding-left: 1.2rem; }
.label { font-weight: 600; }
.evidence { color: var(--muted); }
.resolved { text-decoration: line-through; color: var(--muted); }
.actions { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; margin-top: .5rem; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button.link { border: 0; background: none; color: var(--accent); padding: 0; }
.act-approve, .act-not-spam, .act-restore { border-color: var(--ok); color: var(--ok); }
.act-reject, .act-spam, .act-ban { border-color: var(--bad); color: var(--bad); }
kbd { margin-left: .35rem; font-size: .75em; border: 1px solid var(--line); border-radius: 3px; padding: 0 .25rem; color: var(--muted); }
form.inline { display: inline-flex; gap: .3rem; align-items: center; margin: 0; }
details.more { margin-top: .4rem; } details.more form { display: flex; flex-direction: column; gap: .4rem; margin: .5rem 0; }
textarea { font: inherit; width: 100%; }
.login, .settings { display: flex; flex-direction: column; gap: .7rem; max-width: 36rem; }
.login { margin: 3rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; border: 1px solid var(--line); }
.settings label, .login label { display: flex; flex-direction: column; gap: .2rem; }
fieldset { border: 0; padding: 0; display: flex; flex-direction: column; gap: .7rem; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
tr.expired { color: var(--muted); }
.depth-1 { margin-left: 2rem; }
`;

export const adminScript = `(() => {
  const cards = Array.from(document.querySelectorAll('.card'));
  let at = -1;
  const move = (to) => {
    if (!cards.length) return;
    at = Math.max(0, Math.min(cards.length - 1, to));
    cards.forEach((card, i) => card.classList.toggle('current', i === at));
    cards[at].focus();
    cards[at].scrollIntoView({ block: 'nearest' });
  };
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof Element && e.target.closest('input, textarea, select, button, summary')) return;
    const card = cards[at];
    if (e.key === 'j') move(at + 1);
    else if (e.key === 'k') move(at - 1);
    else if (card && 'ars'.includes(e.key)) {
      const button = card.querySelector('button[data-key="' + e.key + '"]');
      if (button) button.click();
    } else if (card && e.key === 'x') {
      const box = card.querySelector('input[type=checkbox][name=ids]');
      if (box) box.checked = !box.checked;
    } else return;
    e.preventDefault();
  });
  cards.forEach((card, i) => card.addEventListener('click', () => { at = i; cards.forEach((c, k) => c.classList.toggle('current', k === i)); }));
})();`;
