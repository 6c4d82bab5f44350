// Operations for the owner: the messages the tills sent that Setia refused
// (dead letters, GET /v1/admin/deadletters, replayed by owners), the health
// of the pushes (GET /v1/admin/pushes) and the rules in force (GET
// /v1/admin/rules: the version setiad loaded). Staff see the dead letters
// only, as the API allows them.
import { api, isOwner } from '../api.js';
import { t } from '../i18n.js';
import { card, clear, errorBox, h, notice, num, pageHead, table, when } from '../ui.js';

export async function render(view, args, { rerender }) {
  const owner = isOwner();
  const [letters, pushes, rules] = await Promise.all([
    api.get('/v1/admin/deadletters?limit=50'),
    owner ? api.get('/v1/admin/pushes') : null,
    owner ? api.get('/v1/admin/rules') : null,
  ]);
  const status = h('div', { id: 'ops-status' });

  const replay = async (d, button) => {
    button.disabled = true;
    try {
      const r = await api.post(`/v1/admin/deadletters/${d.id}/replay`);
      const result = r.result ? (r.result.status || '') + (r.result.reason ? ` (${r.result.reason})` : '') : '—';
      clear(status).append(notice(t('ops.replayed', { result }), r.dead_lettered_again ? 'warn' : 'ok'));
    } catch (e) {
      clear(status).append(errorBox(e));
    } finally {
      button.disabled = false;
    }
  };
  const lettersTable = table(
    [t('common.at'), t('ops.reason'), t('ops.detail'), ''],
    letters.items.map((d) => {
      const button = owner ? h('button', { type: 'button', class: 'ghost replay' }, t('ops.replay')) : null;
      if (button) button.addEventListener('click', () => replay(d, button));
      return [when(d.received_at), h('span', { class: 'pill bad' }, d.reason), h('span', { class: 'detail' }, d.detail), button];
    }),
    { cls: 'stack' },
  );
  const lettersCard = card(t('ops.deadletters'), lettersTable);
  lettersCard.id = 'deadletters';

  const parts = [pageHead(t('ops.title'), rerender), status];
  if (owner) {
    const p = pushes;
    const pushCard = card(t('ops.pushes'),
      h('div', { class: 'grid compact' },
        ['sent_last_day:ops.push.sent:good', 'waiting:ops.push.pending:', 'failing:ops.push.failing:warn', 'dead:ops.push.dead:bad'].map((spec) => {
          const [key, label, tone] = spec.split(':');
          return h('div', { class: 'stat' }, h('div', { class: 'label' }, t(label)),
            h('div', { class: `value ${p[key] && tone ? `tone-${tone}` : ''}` }, num(p[key])));
        })),
      p.last_error ? h('p', { class: 'muted' }, t('ops.push.last_error', { e: p.last_error })) : null);
    pushCard.id = 'push-health';

    const set = (rules.rule_sets || [])[0] || {};
    const err = rules.last_reload_error;
    const rulesCard = card(t('ops.rules'),
      h('dl', { class: 'facts' },
        h('dt', {}, t('ops.rules.version')), h('dd', { class: 'code value', id: 'rules-version-value' }, rules.version),
        h('dt', {}, t('ops.rules.loaded')), h('dd', {}, when(rules.loaded_at)),
        h('dt', {}, t('ops.rules.file')), h('dd', { class: 'code' }, set.file || (rules.files || []).join(', ') || '—')),
      err ? h('p', { class: 'alert' }, t('ops.rules.error', { e: (err.errors || []).join('; ') }))
        : h('p', { class: 'muted' }, t('ops.rules.ok')));
    rulesCard.id = 'rules';
    const version = rulesCard.querySelector('dd.value');
    version.parentElement.id = 'rules-version';
    parts.push(h('div', { class: 'two' }, pushCard, rulesCard));
  }
  parts.push(lettersCard);
  view.append(...parts);
}
