// "Promo & Hadiah": the place kept for editing promos, rewards and
// birthday gifts from the console (rule versions, another change).
import { t } from '../i18n.js';
import { card, h, pageHead } from '../ui.js';

export async function render(view) {
  view.append(pageHead(t('promos.title')), card(null, h('p', { id: 'promos-soon' }, t('promos.soon'))));
}
