/**
 * `tidemark projection status [name]` and `tidemark projection pause|resume
 * <name>` over `/api/admin/projections` (role `admin`).
 */

import { ProjectionListSchema, type ProjectionStatus, ProjectionStatusSchema } from '@tidemark/core/protocol';
import { CliError } from '../cli-error';
import type { Context } from '../context';
import { jsonLine, projectionsTable } from '../format';
import type { HttpClient } from '../http-client';

export async function projectionStatus(context: Context, name: string | undefined): Promise<void> {
  const projections = await listProjections(context.client);
  if (name === undefined) {
    context.out(context.json ? jsonLine({ projections }) : projectionsTable(projections));
    return;
  }
  const status = projections.find((projection) => projection.name === name);
  if (status === undefined) {
    const known = projections.map((projection) => projection.name).join(', ') || 'none';
    throw new CliError('not_found', `no projection ${name} (this app has: ${known})`);
  }
  printStatus(context, status);
}

/** `pause` stops applying events (views answer as of now); `resume` picks up where it stopped. */
export async function projectionAction(context: Context, name: string, action: 'pause' | 'resume'): Promise<void> {
  printStatus(context, await postAction(context.client, name, action));
}

export async function listProjections(client: HttpClient): Promise<ProjectionStatus[]> {
  const body = await client.get<{ projections: ProjectionStatus[] }>('/api/admin/projections', ProjectionListSchema);
  return body.projections;
}

export function postAction(
  client: HttpClient,
  name: string,
  action: 'rebuild' | 'pause' | 'resume',
): Promise<ProjectionStatus> {
  return client.post<ProjectionStatus>(
    `/api/admin/projections/${encodeURIComponent(name)}/${action}`,
    ProjectionStatusSchema,
  );
}

export function printStatus(context: Context, status: ProjectionStatus): void {
  context.out(context.json ? jsonLine(status) : projectionsTable([status]));
}
