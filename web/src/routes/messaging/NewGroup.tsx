import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { JoinRule } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { cx } from '../../lib/cx.ts';
import styles from '../../components/chat/chat.module.css';

const RULES = JoinRule.options;

/** A creator opens a fan group: name, description, capacity and who may join. */
export function NewGroup() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [capacity, setCapacity] = useState('500');
  const [rule, setRule] = useState<JoinRule>('anyone');
  const [level, setLevel] = useState('3');
  const [tried, setTried] = useState(false);
  const create = useApiMutation(api.groups.create, {
    invalidates: [api.groups.mine],
    onSuccess: (g) => void navigate(`/g/${g.id}`, { replace: true }),
  });
  const busy = create.isPending || create.isSuccess;
  const error = create.error;

  const cap = Number(capacity);
  const lvl = Number(level);
  const problems = {
    name: !name.trim() || name.trim().length > 40 ? t('newGroup.nameRequired') : null,
    capacity: !Number.isInteger(cap) || cap < 2 || cap > 100_000 ? t('newGroup.capacityRange') : null,
    level: rule === 'fan_level' && (!Number.isInteger(lvl) || lvl < 1 || lvl > 50) ? t('newGroup.levelRange') : null,
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problems.name || problems.capacity || problems.level) return;
    create.mutate({
      body: {
        name: name.trim(),
        description,
        capacity: cap,
        joinRule: rule,
        ...(rule === 'fan_level' ? { minFanLevel: lvl } : {}),
      },
    });
  };

  return (
    <section className="stack" data-testid="new-group-page">
      <Link to="/inbox?tab=chats" className="back">
        ← {t('common.back')}
      </Link>
      <header className="page-head">
        <h1>{t('newGroup.title')}</h1>
        <p className="muted">{t('newGroup.lead')}</p>
      </header>
      <form className="form panel" onSubmit={submit} noValidate>
        <Field
          id="group-name"
          label={t('newGroup.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={40}
          problem={tried ? problems.name : null}
          data-testid="group-name-input"
        />
        <Field id="group-description" label={t('newGroup.description')}>
          <textarea
            id="group-description"
            rows={3}
            maxLength={500}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="group-description-input"
          />
        </Field>
        <Field
          id="group-capacity"
          label={t('newGroup.capacity')}
          type="number"
          inputMode="numeric"
          min={2}
          max={100000}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
          problem={tried ? problems.capacity : null}
          data-testid="group-capacity-input"
        />
        <fieldset className={styles['rule-picker']}>
          <legend>{t('newGroup.joinRule')}</legend>
          {RULES.map((r) => (
            <label key={r} className={cx(styles['rule-option'], rule === r && 'active')}>
              <input type="radio" name="join-rule" value={r} checked={rule === r} onChange={() => setRule(r)} data-testid={`rule-${r}`} />
              {t(`group.rule.${r}`, { level: rule === 'fan_level' && Number.isInteger(lvl) ? lvl : 'N' })}
            </label>
          ))}
        </fieldset>
        {rule === 'fan_level' && (
          <Field
            id="group-level"
            label={t('newGroup.minFanLevel')}
            type="number"
            inputMode="numeric"
            min={1}
            max={50}
            value={level}
            onChange={(e) => setLevel(e.target.value)}
            problem={tried ? problems.level : null}
            data-testid="group-level-input"
          />
        )}
        {error !== null && <ErrorMessage error={error} testId="new-group-error" />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="new-group-submit">
          {busy ? t('newGroup.creating') : t('newGroup.create')}
        </button>
      </form>
    </section>
  );
}
