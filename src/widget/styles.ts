/**
 * The widget's stylesheet, inside its shadow root. Selectors from the page can't reach in, but
 * inherited properties (color, font, line-height…) flow through the host element, so the root
 * resets everything with `all: initial` and re-declares it from the --parley-* custom properties,
 * which are the one thing meant to inherit in. Units are px/em, never rem: the page's root font
 * size is not ours. Every element gets an explicit display.
 */
export const STYLES = `
:host{all:initial;display:block!important}
.parley{all:initial;display:block;position:relative;box-sizing:border-box;min-width:0;max-width:100%;
--a:var(--parley-accent,#9e2a2b);--bg:var(--parley-bg,#fff);--fg:var(--parley-fg,#1f2328);--mu:var(--parley-muted,#59616b);
--r:var(--parley-radius,8px);--ln:rgba(128,128,128,.35);--err:#b42318;--warn:#8a5300;
background:var(--bg);color:var(--fg);font-family:var(--parley-font,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif);
font-size:16px;line-height:1.5;text-align:left;padding:16px;border-radius:var(--r);overflow-wrap:anywhere;word-break:break-word;color-scheme:light;-webkit-text-size-adjust:100%}
.parley.dark{--a:var(--parley-accent,#ff9b8f);--bg:var(--parley-bg,#1c1e22);--fg:var(--parley-fg,#e8eaed);--mu:var(--parley-muted,#a7adb7);--err:#ffab9e;--warn:#f5c26b;color-scheme:dark}
*,*::before,*::after{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit;letter-spacing:inherit;text-transform:none;float:none;visibility:inherit}
div,p,form,header,article,section,ol,li,h2,h3,details,fieldset{display:block}
span,a,time,label,strong,em,legend{display:inline}
summary{display:list-item;cursor:pointer;color:var(--a)}
button,select,input,textarea{display:inline-block}
br{display:inline}
style{display:none}
[hidden]{display:none!important}
ol{list-style:none}
h2{font-size:1.25em;font-weight:700;line-height:1.3}
h3{font-size:1.05em;font-weight:700}
a{color:var(--a);text-decoration:underline}
:focus{outline:none}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
.sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;margin-bottom:16px}
.sort{display:flex;align-items:center;gap:6px;color:var(--mu);font-size:.9em}
.notice{color:var(--mu);margin:12px 0}
.notice.err{color:var(--err)}
button{cursor:pointer;border:1px solid var(--ln);background:transparent;color:var(--a);border-radius:calc(var(--r) / 2);padding:6px 12px;font-weight:600;line-height:1.4}
button:hover{border-color:var(--a)}
button.primary{background:var(--a);border-color:var(--a);color:var(--bg)}
button[aria-disabled=true]{opacity:.6;cursor:progress}
.act{border-color:transparent;padding:4px 8px;font-size:.875em;color:var(--mu)}
.act:hover,.act[aria-expanded=true]{color:var(--a);border-color:var(--ln)}
input,textarea,select{width:100%;max-width:100%;padding:8px 10px;border:1px solid var(--mu);border-radius:calc(var(--r) / 2);background:var(--bg);color:var(--fg);line-height:1.4}
select{width:auto}
textarea{min-height:7em;resize:vertical}
input[type=checkbox]{width:20px;height:20px;flex:none;margin-top:2px;accent-color:var(--a)}
[aria-invalid=true]{border-color:var(--err);box-shadow:0 0 0 1px var(--err)}
.form{display:grid;gap:14px;margin-bottom:20px;padding:14px;border:1px solid var(--ln);border-radius:var(--r)}
.fields{display:grid;gap:14px;grid-template-columns:repeat(auto-fit,minmax(210px,1fr))}
.field{display:grid;gap:4px;align-content:start;min-width:0}
label{font-weight:600}
.hint,.counter{color:var(--mu);font-size:.875em;font-weight:400}
.counter.over{color:var(--err);font-weight:700}
.error{color:var(--err);font-size:.9em;font-weight:600}
.form-error{color:var(--err);font-weight:600}
.consent{display:grid;grid-template-columns:auto minmax(0,1fr);gap:4px 10px;align-items:start}
.consent label{font-weight:400}
.consent details,.consent .error,.consent .your-data{grid-column:2}
.your-data{font-size:.9em;color:var(--mu)}
.policy-text{margin-top:6px;padding:10px;border-left:3px solid var(--ln);color:var(--mu);font-size:.9em}
.policy-text p+p{margin-top:.6em}
.hp{position:absolute;left:-10000px;top:0;width:1px;height:1px;overflow:hidden}
.buttons{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.new{display:block;width:100%;margin:0 0 12px;background:var(--a);border-color:var(--a);color:var(--bg)}
.more{display:block;width:100%;margin-top:16px}
.comment{margin-top:16px}
.comment:focus-visible{outline-offset:4px}
.comment>article{display:grid;grid-template-columns:36px minmax(0,1fr);gap:10px}
.avatar{display:flex;width:36px;height:36px;border-radius:50%;align-items:center;justify-content:center;color:#fff;font-weight:700;font-size:14px;line-height:1;user-select:none}
.deleted>article .avatar{background:var(--ln)}
.main{min-width:0}
.meta{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 8px}
.author{font-weight:700}
time,.to,.edited{color:var(--mu);font-size:.875em}
.badge{display:inline-block;font-size:.75em;font-weight:700;padding:1px 8px;border:1px solid var(--warn);color:var(--warn);border-radius:999px}
.body{margin-top:2px}
.body p+p{margin-top:.75em}
.deleted>article .body{font-style:italic;color:var(--mu)}
.actions{display:flex;flex-wrap:wrap;gap:2px;margin:4px 0 0 -8px}
.slot{margin:10px 0 0 46px}
.slot:empty,.replies:empty{display:none}
.slot .form{margin-bottom:0}
.panel{display:grid;gap:10px;padding:12px;border:1px solid var(--ln);border-radius:var(--r)}
.thanks{color:var(--mu)}
.replies{margin-left:18px;padding-left:14px;border-left:2px solid var(--ln)}
.more-replies{margin:8px 0 0 46px}
@media (max-width:520px){.parley{padding:12px}.replies{margin-left:4px;padding-left:10px}.slot,.more-replies{margin-left:0}.comment>article{grid-template-columns:28px minmax(0,1fr);gap:8px}.avatar{width:28px;height:28px;font-size:12px}}
`;
