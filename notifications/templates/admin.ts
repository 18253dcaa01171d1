// What the admins hear (docs/architecture.md#messages): new inbox tasks and tasks past their SLA, collected into a
// digest by mail; the notification centre shows each at once.
import { dateTime, idPart, str, template, type Payload, type WordsContext } from '../format';
import type { Template } from '../templates';

const kinds: Record<string, [string, string]> = {
  partner_application: ['파트너 신청', 'Partner application'],
  product_review: ['상품 검토', 'Product review'],
  fulfilment_escalation: ['배송 지연', 'Late shipment'],
  partner_profile_change: ['파트너 정보 변경', 'Partner profile change'],
  reconcile_mismatch: ['데이터 불일치', 'Data mismatch'],
};

const kindOf = (p: Payload, c: WordsContext) => {
  const k = kinds[str(p.kind)];
  return k ? c.w(k[0], k[1]) : c.w('검토 요청', 'Task');
};
const taskLink = (p: Payload, c: WordsContext) => ({
  label: c.w('수신함에서 열기', 'Open in the inbox'),
  url: p.taskId ? c.url(`/admin/inbox/${idPart(p.taskId)}`) : c.url('/admin/inbox'),
});

export const adminTemplates: Record<string, Template> = {
  task_opened: template(
    'admin',
    (p, c) => {
      const title = str(p.title, kindOf(p, c));
      return {
        subject: c.w(`새 ${kindOf(p, c)}: ${title}`, `New ${kindOf(p, c).toLowerCase()}: ${title}`),
        body: [c.w('관리자 수신함에 새 요청이 들어왔습니다.', 'A new task is waiting in the admin inbox.')],
        facts: [
          [c.w('유형', 'Kind'), kindOf(p, c)],
          [c.w('제목', 'Title'), title],
          ...(p.slaDueAt
            ? [[c.w('처리 기한', 'Due'), dateTime(p.slaDueAt, c.locale)] as [string, string]]
            : []),
        ],
        action: taskLink(p, c),
        short: c.w(`새 ${kindOf(p, c)}: ${title}`, `New task: ${title}`),
      };
    },
    { digest: true },
  ),

  task_overdue: template(
    'admin',
    (p, c) => {
      const title = str(p.title, kindOf(p, c));
      return {
        subject: c.w(`처리 기한 초과: ${title}`, `Overdue: ${title}`),
        body: [
          c.w(
            `${kindOf(p, c)} 요청이 처리 기한을 넘겼습니다. 확인해 주세요.`,
            `This ${kindOf(p, c).toLowerCase()} is past its deadline. Please take a look.`,
          ),
        ],
        facts: [
          [c.w('유형', 'Kind'), kindOf(p, c)],
          [c.w('제목', 'Title'), title],
        ],
        action: taskLink(p, c),
        short: c.w(`처리 기한 초과: ${title}`, `Overdue: ${title}`),
      };
    },
    { digest: true },
  ),
};
