/**
 * The API test console (S7): pick an endpoint, enter a key and secret (prefilled after a
 * create or rotate), edit the JSON body or query, send it from the browser and see the
 * status, the rate-limit headers and the body, whatever the status.
 *
 * Test hooks: `test-console`, `console-endpoint`, `console-key`, `console-secret`,
 * `console-body-input`, `console-query`, `console-reset-body`, `console-send`, `console-result`,
 * `console-status` (`data-status`), `console-header` (`data-name`), `console-body`, `console-error`.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiClient, type RawResponse } from '@pantau/shared';
import { useSessionStore } from '../../stores/session-store.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { errorText } from '../../lib/error-text.js';
import { useAllDevices } from '../fleet/use-fleet.js';
import {
  ENDPOINTS,
  PLACEHOLDER_DEVICE,
  parseBody,
  parseQuery,
  prettyBody,
  sampleBody,
  shownHeaders,
  statusColour,
  type ConsoleEndpoint,
} from './test-console-model.js';

/** Props: the key and secret to prefill; a new `seed` object prefills again. */
export interface TestConsoleProps {
  seed: { key: string; secret: string } | null;
}

/** The console. */
export function TestConsole({ seed }: TestConsoleProps) {
  const { t } = useTranslation();
  const serverUrl = useSessionStore((s) => s.serverUrl);
  const devices = useAllDevices();
  const invalidate = useInvalidate();
  const first = devices.data?.find((x) => x.device_type === 'camera') ?? devices.data?.[0];
  const [sampleId, sampleBranch] = first
    ? [first.device_id, first.branch_id]
    : [PLACEHOLDER_DEVICE.device_id, PLACEHOLDER_DEVICE.branch_id];
  // primitives as deps: status updates replace the device objects, and must not reset an edited body
  const sample = useMemo(() => ({ device_id: sampleId, branch_id: sampleBranch }), [sampleId, sampleBranch]);
  const [endpointId, setEndpointId] = useState<ConsoleEndpoint['id']>('detection-log');
  const endpoint = ENDPOINTS.find((e) => e.id === endpointId) ?? ENDPOINTS[0]!;
  const [key, setKey] = useState(seed?.key ?? '');
  const [secret, setSecret] = useState(seed?.secret ?? '');
  const [body, setBody] = useState('');
  const [query, setQuery] = useState(endpoint.query);
  const [bodyError, setBodyError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<RawResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!seed) return;
    setKey(seed.key);
    setSecret(seed.secret);
  }, [seed]);
  // A new endpoint (or the sample device arriving) prefills its sample.
  useEffect(() => {
    setBody(sampleBody(endpointId, sample));
    setQuery(ENDPOINTS.find((e) => e.id === endpointId)?.query ?? '');
    setBodyError(null);
  }, [endpointId, sample]);

  const send = async () => {
    setFailure(null);
    const parsed = endpoint.hasBody ? parseBody(body) : ({ ok: true, value: undefined } as const);
    if (!parsed.ok) {
      setBodyError(t('credentials.console.badJson', { error: parsed.error }));
      return;
    }
    setBodyError(null);
    setSending(true);
    try {
      const client = new ApiClient({ baseUrl: serverUrl, apiKey: { key: key.trim(), secret: secret.trim() } });
      setResult(
        await client.raw(
          endpoint.method,
          endpoint.path,
          parsed.value,
          endpoint.hasBody ? undefined : parseQuery(query),
        ),
      );
      // the credential's "requests this hour" and "last used" moved
      invalidate('credentials');
    } catch (err) {
      setResult(null);
      setFailure(errorText(err, t));
    } finally {
      setSending(false);
    }
  };

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" data-testid="test-console">
      <Stack gap="sm">
        <Select
          label={t('credentials.console.endpoint')}
          data={ENDPOINTS.map((e) => ({ value: e.id, label: `${e.method} ${e.path}` }))}
          value={endpointId}
          onChange={(v) => v && setEndpointId(v as ConsoleEndpoint['id'])}
          allowDeselect={false}
          description={t('credentials.console.needs', { permission: endpoint.permission })}
          data-testid="console-endpoint"
        />
        <Group grow align="flex-start">
          <TextInput
            label={t('credentials.apiKey')}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            ff="monospace"
            data-testid="console-key"
          />
          <PasswordInput
            label={t('credentials.apiSecret')}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            data-testid="console-secret"
          />
        </Group>
        {endpoint.hasBody ? (
          <Textarea
            label={t('credentials.console.body')}
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              setBodyError(null);
            }}
            autosize
            minRows={8}
            maxRows={18}
            spellCheck={false}
            error={bodyError}
            classNames={{ input: 'credentials__code' }}
            data-testid="console-body-input"
          />
        ) : (
          <TextInput
            label={t('credentials.console.query')}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            ff="monospace"
            placeholder="branch_id=1&from=2026-01-01"
            data-testid="console-query"
          />
        )}
        <Group justify="flex-end" gap="xs">
          {endpoint.hasBody && (
            <Button
              variant="default"
              onClick={() => {
                setBody(sampleBody(endpointId, sample));
                setBodyError(null);
              }}
              data-testid="console-reset-body"
            >
              {t('credentials.console.resetBody')}
            </Button>
          )}
          <Button
            onClick={() => void send()}
            loading={sending}
            disabled={key.trim() === '' || secret.trim() === ''}
            data-testid="console-send"
          >
            {t('credentials.console.send')}
          </Button>
        </Group>
      </Stack>
      <div>
        {failure && (
          <Alert color="red" variant="light" data-testid="console-error">
            {failure}
          </Alert>
        )}
        {!result && !failure && (
          <Text c="dimmed" size="sm" mt="lg">
            {t('credentials.console.nothingYet')}
          </Text>
        )}
        {result && (
          <Paper className="credentials__result" p="sm" radius="md" data-testid="console-result">
            <Group gap="sm" mb="xs">
              <Badge
                size="lg"
                color={statusColour(result.status)}
                variant="light"
                data-testid="console-status"
                data-status={result.status}
              >
                {result.status}
              </Badge>
              <Text size="sm" c="dimmed">
                {t('credentials.console.took', { ms: Math.round(result.ms) })}
              </Text>
            </Group>
            <Table withRowBorders={false} verticalSpacing={2} fz="xs" mb="xs">
              <Table.Tbody>
                {shownHeaders(result.headers).map(([name, value]) => (
                  <Table.Tr key={name} data-testid="console-header" data-name={name}>
                    <Table.Td w={190}>
                      <Text size="xs" ff="monospace" c="dimmed">
                        {name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {value}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Code block className="credentials__body" data-testid="console-body">
              {prettyBody(result.body)}
            </Code>
          </Paper>
        )}
      </div>
    </SimpleGrid>
  );
}
