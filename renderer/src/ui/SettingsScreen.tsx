/**
 * Settings: the Bitbucket account link, the tray's background re-test, notifications, the time
 * limit of each check, the Bitbucket Data Center servers the user declares, the recent repositories
 * and the repositories trusted to run their own commands. Every change is saved at once (the live
 * region says "Saved."). One section per concern, in this order, the Bitbucket account first.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Settings, TrustedRepo } from '../../../app/contract/channels.js';
import { useActions, useGuide } from '../state/context.js';
import { valueOf } from '../state/async-op.js';
import { hostToAdd, intervalWords, RETEST_CHOICES, TIMEOUT_CHOICES } from '../state/settings.js';
import { Actions, ErrorNote, PrimaryButton, StepHeading, TextField, Working } from './common.js';
import { formatMoment } from './format.js';
import { AccountLinks } from './Account.js';
import { RepoCommandItem } from './TrustScreen.js';

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Choice({ label, hint, value, choices, words, onChange }: { label: string; hint: string; value: number; choices: readonly number[]; words: (n: number) => string; onChange: (n: number) => void }) {
  const id = useId();
  // A value saved by an older version or by hand stays selectable.
  const options = choices.includes(value) ? choices : [...choices, value].sort((a, b) => a - b);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))} aria-describedby={`${id}-hint`}>
        {options.map((n) => (
          <option key={n} value={n}>
            {words(n)}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
    </div>
  );
}

function BackgroundSection({ values }: { values: Settings }) {
  const { saveSettings } = useActions();
  const notifyHint = useId();
  return (
    <Section title="Background checks">
      <Choice
        label="Re-test recent repositories"
        hint="Push Doctor stays in the tray and checks whether each recent repository can still push. Commands a repository names are run only if you trusted it."
        value={values.retestIntervalMinutes}
        choices={RETEST_CHOICES}
        words={intervalWords}
        onChange={(retestIntervalMinutes) => void saveSettings({ retestIntervalMinutes })}
      />
      <div className="field field-check">
        <input id={`${notifyHint}-box`} type="checkbox" checked={values.notifyOnChange} onChange={(e) => void saveSettings({ notifyOnChange: e.target.checked })} aria-describedby={notifyHint} />
        <label htmlFor={`${notifyHint}-box`}>Notify me when a repository starts or stops working</label>
        <p id={notifyHint} className="hint">
          A desktop notification after a re-test, only when a result changes.
        </p>
      </div>
      <Choice
        label="Time limit for each check"
        hint="A server that does not answer within this time is reported as timed out."
        value={values.probeTimeoutSeconds}
        choices={TIMEOUT_CHOICES}
        words={(n) => `${n} seconds`}
        onChange={(probeTimeoutSeconds) => void saveSettings({ probeTimeoutSeconds })}
      />
    </Section>
  );
}

function ServersSection({ values }: { values: Settings }) {
  const { saveSettings } = useActions();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const hosts = values.bitbucketHosts;
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const checked = hostToAdd(typed, hosts);
    if ('error' in checked) {
      setError(checked.error);
      return;
    }
    setError(null);
    setTyped('');
    await saveSettings({ bitbucketHosts: [...hosts, checked.host] });
  };
  return (
    <Section title="Bitbucket Data Center servers">
      <p className="muted">
        Your company’s own Bitbucket servers. Push Doctor checks their remotes as Bitbucket and opens their pages in your browser; it opens no other server’s pages, whatever a
        repository’s remotes say.
      </p>
      {hosts.length > 0 ? (
        <ul className="settings-list" aria-label="Declared servers">
          {hosts.map((host) => (
            <li key={host} className="settings-item">
              <span className="mono">{host}</span>
              <button type="button" className="link small" onClick={() => void saveSettings({ bitbucketHosts: hosts.filter((h) => h !== host) })} aria-label={`Remove ${host}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None yet.</p>
      )}
      <form className="inline-form" onSubmit={(e) => void add(e)} aria-label="Add a server">
        <TextField label="Server (host name, or host:port)" value={typed} onChange={setTyped} error={error} />
        <button type="submit" className="secondary">
          Add server
        </button>
      </form>
    </Section>
  );
}

function RecentSection() {
  const { clearRecent, removeRecent } = useActions();
  const recent = useGuide((s) => s.recent);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  const repos = recent.status === 'done' ? recent.value : [];
  return (
    <Section title="Recent repositories">
      {recent.status === 'failed' ? <ErrorNote error={recent.error} /> : null}
      {repos.length === 0 && recent.status !== 'failed' ? <p className="muted">None. Repositories you open appear here and in the tray.</p> : null}
      {repos.length > 0 ? (
        <>
          <ul className="settings-list" aria-label="Recent repositories">
            {repos.map((repo) => (
              <li key={repo.path} className="settings-item">
                <span className="settings-item-main">
                  <span>{repo.name}</span>
                  <span className="mono muted small">{repo.path}</span>
                </span>
                <button type="button" className="link small" onClick={() => void removeRecent(repo.path)} aria-label={`Remove ${repo.name} from recent repositories`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {confirming ? (
            <div className="note note-info confirm" role="group" aria-label="Clear the list">
              <p>
                Remove all {repos.length} {repos.length === 1 ? 'repository' : 'repositories'} from the list and the tray? Nothing in the repositories changes.
              </p>
              <div className="inline-actions">
                <button ref={confirmRef} type="button" className="secondary" onClick={() => void clearRecent().then(() => setConfirming(false))}>
                  Clear the list
                </button>
                <button type="button" className="link" onClick={() => setConfirming(false)}>
                  Keep them
                </button>
              </div>
            </div>
          ) : (
            <button type="button" className="secondary small" onClick={() => setConfirming(true)}>
              Clear the list…
            </button>
          )}
        </>
      ) : null}
    </Section>
  );
}

function TrustedItem({ repo }: { repo: TrustedRepo }) {
  const { revokeTrust } = useActions();
  return (
    <li className="trusted-item">
      <div className="settings-item">
        <span className="settings-item-main">
          <span>{repo.name}</span>
          <span className="mono muted small">{repo.path}</span>
          <span className="muted small">Trusted on {formatMoment(repo.trustedAt)}</span>
        </span>
        <button type="button" className="secondary small" onClick={() => void revokeTrust(repo.path)} aria-label={`Revoke trust in ${repo.name}`}>
          Revoke
        </button>
      </div>
      <ul className="repo-commands" aria-label={`Commands ${repo.name} may run`}>
        {repo.commands.map((command) => (
          <RepoCommandItem key={command.id} command={command} />
        ))}
      </ul>
    </li>
  );
}

function TrustedSection() {
  const trusted = useGuide((s) => s.settings.trusted);
  return (
    <Section title="Repositories trusted to run their own commands">
      {trusted.status === 'idle' || trusted.status === 'running' ? <Working>Loading…</Working> : null}
      {trusted.status === 'failed' ? <ErrorNote error={trusted.error} /> : null}
      {trusted.status === 'done' && trusted.value.length === 0 ? (
        <p className="muted">None. Push Doctor asks before it runs a command that a repository’s own settings name.</p>
      ) : null}
      {trusted.status === 'done' && trusted.value.length > 0 ? (
        <ul className="trusted-list">
          {trusted.value.map((repo) => (
            <TrustedItem key={repo.path} repo={repo} />
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

export function SettingsScreen() {
  const { back } = useActions();
  const values = useGuide((s) => s.settings.values);
  const failure = useGuide((s) => s.settings.failure);
  return (
    <div className="screen settings">
      <StepHeading>Settings</StepHeading>
      {failure ? <ErrorNote error={{ code: 'failed', message: failure }} hint="The change was not saved. Try again." /> : null}
      {values.status === 'idle' || values.status === 'running' ? <Working>Loading the settings…</Working> : null}
      {values.status === 'failed' ? <ErrorNote error={values.error} /> : null}
      {values.status === 'done' || values.status === 'failed' ? (
        <Section title="Your Bitbucket account">
          <AccountLinks values={valueOf(values)} />
        </Section>
      ) : null}
      {values.status === 'done' ? (
        <>
          <BackgroundSection values={values.value} />
          <ServersSection values={values.value} />
        </>
      ) : null}
      <RecentSection />
      <TrustedSection />
      <Actions onBack={back}>
        <PrimaryButton onClick={back}>Done</PrimaryButton>
      </Actions>
    </div>
  );
}
