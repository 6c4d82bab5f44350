// The shop's admin accounts (GET /v1/admin/admins, owners only).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, h, num, pageHead, table, when } from '../ui.js';

export async function render(view, args, { rerender }) {
  const r = await api.get('/v1/admin/admins');
  const rows = r.items.map((a) => [
    a.name,
    a.login,
    h('span', { class: `role role-${a.role}` }, t(`role.${a.role}`)),
    a.role === 'staff' ? (a.points_limit === null ? '—' : num(a.points_limit)) : '∞',
    h('span', { class: a.disabled ? 'pill bad' : 'pill good' }, t(a.disabled ? 'admins.disabled' : 'admins.active')),
    when(a.created_at, { time: false }),
  ]);
  view.append(
    pageHead(t('admins.title'), rerender),
    card(null, table([t('members.name'), t('admins.login'), t('admins.role'), t('admins.limit'), t('common.status'), t('members.joined')],
      rows, { cls: 'stack admins' })),
  );
  view.querySelector('table')?.setAttribute('id', 'admins-table');
}
