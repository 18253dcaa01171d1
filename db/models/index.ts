import { Model } from 'objection';
import type { ApplicationStatus, AutoRejectReason } from '../../domain/partner';
import type { Role } from '../../domain/accounts';
import type { TaskKind, TaskState } from '../../domain/inbox';

// Models are never bound globally: the API passes its read-only pool, activities the owner's pool.

/** An account: customer, partner and/or admin. */
export class User extends Model {
  static override tableName = 'users';
  id!: string;
  email!: string;
  name!: string;
  passwordHash!: string;
  roles!: Role[];
  /** The address was confirmed by its link (null: not yet). */
  emailVerifiedAt?: Date | null;
  /** Sessions begun before this no longer count (a password reset, a deletion). */
  sessionsValidAfter?: Date | null;
  /** 회원 탈퇴 asked: the account no longer signs in. */
  deletionRequestedAt?: Date | null;
  /** 회원 탈퇴 done: the row is anonymised. */
  deletedAt?: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** A partner application (파트너쉽 신청) and where it stands. */
export class PartnerApplication extends Model {
  static override tableName = 'partner_applications';
  static override jsonAttributes = ['reasons'];
  id!: string;
  applicantId!: string;
  workflowId!: string;
  status!: ApplicationStatus;
  companyName!: string;
  businessNumber!: string;
  representative!: string;
  phone!: string;
  email!: string;
  address!: string;
  bankName!: string;
  bankAccount!: string;
  /** 통신판매업 신고번호 (null: before the application asked for it). */
  mailOrderNumber!: string | null;
  /** 예금주 (null: before the application asked for it). */
  bankAccountHolder!: string | null;
  introduction!: string;
  reasons!: AutoRejectReason[];
  decisionReason!: string | null;
  decidedBy!: string | null;
  decidedAt!: Date | null;
  submittedAt!: Date;
  updatedAt!: Date;
}

/** An approved roaster. */
export class Partner extends Model {
  static override tableName = 'partners';
  id!: string;
  userId!: string;
  applicationId!: string;
  companyName!: string;
  businessNumber!: string;
  representative!: string;
  phone!: string;
  email!: string;
  address!: string;
  bankName!: string;
  bankAccount!: string;
  /** 통신판매업 신고번호 (null: before the application asked for it). */
  mailOrderNumber!: string | null;
  /** 예금주 (null: before the application asked for it). */
  bankAccountHolder!: string | null;
  introduction!: string;
  status!: 'active' | 'suspended';
  approvedAt!: Date;
  createdAt!: Date;
}

/** A row of the generic admin inbox (read model kept by the workflows' activities). */
export class Task extends Model {
  static override tableName = 'tasks';
  static override jsonAttributes = ['summary'];
  id!: string;
  kind!: TaskKind;
  subjectId!: string;
  workflowId!: string;
  /** The first run of the owning workflow's chain: Updates target it, never a later re-application. */
  workflowRunId!: string;
  title!: string;
  summary!: Record<string, unknown>;
  state!: TaskState;
  outcome!: string | null;
  submittedAt!: Date;
  slaDueAt!: Date;
  expiresAt!: Date | null;
  overdueAt!: Date | null;
  claimedBy!: string | null;
  claimedAt!: Date | null;
  resolvedBy!: string | null;
  resolvedAt!: Date | null;
}

/** A notification waiting to be sent (transactional outbox). */
export class OutboxMessage extends Model {
  static override tableName = 'outbox';
  static override jsonAttributes = ['payload'];
  id!: number;
  dedupeKey!: string;
  recipientUserId!: string | null;
  recipientRole!: string | null;
  channel!: string;
  template!: string;
  payload!: Record<string, unknown>;
  createdAt!: Date;
  sentAt!: Date | null;
}
