import { escapeXml } from '../../domain/chart.ts'
import { formatIsoDate, type IsoDate } from '../../domain/isoDate.ts'
import {
  ageOn,
  fullName,
  type LayoutEdge,
  type NetworkGroup,
  type NetworkLayout,
  type NetworkPerson,
  RELATIONSHIP_KINDS,
  type RelationshipKind,
  roleName,
} from '../../domain/network.ts'

/**
 * The genogram and ecomap as an SVG string, drawn on the server (no script, no client library).
 * Everything that comes from a person's record is escaped. The picture is an image with a
 * title and description; the page gives the same facts as text beside it.
 */

const INK = '#0b0c0c'
const GREY = '#505a5f'

interface LineStyle {
  colour: string
  width: number
  dash?: string
  double?: boolean
  zigzag?: boolean
  slashes?: boolean
  arrow?: boolean
  /** How the key describes the line. */
  looks: string
}

/** How each kind of tie is drawn. Colours are dark enough to stand out on white (3:1 or better). */
export const LINE_STYLES: Record<RelationshipKind, LineStyle> = {
  parent: { colour: INK, width: 2, looks: 'solid black line' },
  partners: { colour: INK, width: 4, looks: 'thick black line' },
  separated: { colour: INK, width: 2, slashes: true, looks: 'black line crossed by two strokes' },
  siblings: { colour: GREY, width: 2, dash: '12 4', looks: 'long grey dashes' },
  close: { colour: '#1d70b8', width: 2, double: true, looks: 'blue double line' },
  conflicted: { colour: '#d4351c', width: 2, zigzag: true, looks: 'red zigzag' },
  distant: { colour: GREY, width: 2, dash: '5 6', looks: 'short grey dashes' },
  'strong-support': { colour: '#00703c', width: 6, arrow: true, looks: 'thick green line with an arrow' },
  'weak-support': { colour: '#00703c', width: 2, dash: '3 5', arrow: true, looks: 'dotted green line with an arrow' },
  stressful: { colour: '#942514', width: 2, zigzag: true, dash: '8 3', looks: 'dark red broken zigzag' },
}

const FILLS: Record<NetworkGroup, string> = {
  children: '#e8f1f8',
  parents: '#ffffff',
  wider: '#f3f2f1',
  professionals: '#fff7bf',
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

function styleOf(kind: string): LineStyle {
  return (LINE_STYLES as Record<string, LineStyle>)[kind] ?? { colour: GREY, width: 2, looks: 'grey line' }
}

function zigzag(x1: number, y1: number, x2: number, y2: number): string {
  const length = Math.hypot(x2 - x1, y2 - y1)
  if (length < 1) return `M${x1},${y1}`
  const steps = Math.max(2, Math.round(length / 10))
  const [ux, uy] = [(x2 - x1) / length, (y2 - y1) / length]
  const points = [`M${r(x1)},${r(y1)}`]
  for (let i = 1; i < steps; i++) {
    const t = (i / steps) * length
    const side = i % 2 === 0 ? -5 : 5
    points.push(`L${r(x1 + ux * t - uy * side)},${r(y1 + uy * t + ux * side)}`)
  }
  points.push(`L${r(x2)},${r(y2)}`)
  return points.join(' ')
}

const r = (n: number) => Math.round(n * 10) / 10

function pathOf(edge: Pick<LayoutEdge, 'x1' | 'y1' | 'x2' | 'y2' | 'curve'>, style: LineStyle): string {
  const { x1, y1, x2, y2, curve } = edge
  if (curve) return `M${r(x1)},${r(y1)} Q${r(curve.cx)},${r(curve.cy)} ${r(x2)},${r(y2)}`
  if (style.zigzag) return zigzag(x1, y1, x2, y2)
  return `M${r(x1)},${r(y1)} L${r(x2)},${r(y2)}`
}

/** One line, drawn in the style of its kind. */
function line(edge: Pick<LayoutEdge, 'kind' | 'x1' | 'y1' | 'x2' | 'y2' | 'curve'>, prefix: string): string {
  const style = styleOf(edge.kind)
  const d = pathOf(edge, style)
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : ''
  const arrow = style.arrow ? ` marker-end="url(#${prefix}-${edge.kind})"` : ''
  const parts: string[] = []
  if (style.double) {
    parts.push(`<path d="${d}" fill="none" stroke="${style.colour}" stroke-width="7"/>`)
    parts.push(`<path d="${d}" fill="none" stroke="#ffffff" stroke-width="3"/>`)
  } else {
    parts.push(
      `<path d="${d}" fill="none" stroke="${style.colour}" stroke-width="${style.width}"${dash}${arrow} stroke-linejoin="round"/>`,
    )
  }
  if (style.slashes) {
    const mx = edge.curve ? edge.curve.cx : (edge.x1 + edge.x2) / 2
    const my = edge.curve ? (edge.y1 + edge.curve.cy) / 2 : (edge.y1 + edge.y2) / 2
    for (const offset of [-4, 4]) {
      parts.push(
        `<path d="M${r(mx + offset - 5)},${r(my + 8)} L${r(mx + offset + 5)},${r(my - 8)}" stroke="${style.colour}" stroke-width="2"/>`,
      )
    }
  }
  return parts.join('')
}

function markers(prefix: string): string {
  return (['strong-support', 'weak-support'] as const)
    .map(
      (kind) =>
        `<marker id="${prefix}-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="${kind === 'strong-support' ? 4 : 7}" markerHeight="${kind === 'strong-support' ? 4 : 7}" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${LINE_STYLES[kind].colour}"/></marker>`,
    )
    .join('')
}

export interface GenogramOptions {
  /** Ids for the title and description elements, unique on the page. */
  id: string
  title: string
  description: string
  on: IsoDate
}

/** The genogram and ecomap for `layout`, as an SVG string ready to put in the page. */
export function renderGenogram(layout: NetworkLayout, people: NetworkPerson[], options: GenogramOptions): string {
  const byId = new Map(people.map((p) => [p.personId, p]))
  const titleId = `${options.id}-title`
  const descId = `${options.id}-desc`
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="hearth-genogram" role="img" aria-labelledby="${titleId} ${descId}" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="arial, sans-serif">`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
    `<desc id="${descId}">${escapeXml(options.description)}</desc>`,
    `<defs>${markers(`${options.id}-arrow`)}</defs>`,
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
  ]
  for (const edge of layout.edges) out.push(`<g class="hearth-genogram__tie">${line(edge, `${options.id}-arrow`)}</g>`)
  for (const node of layout.nodes) {
    const p = byId.get(node.personId)
    if (!p) continue
    const age = ageOn(p, options.on)
    const third =
      p.role === 'unborn'
        ? p.expectedDueDate
          ? `Due ${formatIsoDate(p.expectedDueDate)}`
          : ''
        : node.group === 'professionals'
          ? [p.professionalRole, p.agency].filter(Boolean).join(', ')
          : age !== undefined
            ? `Age ${age}`
            : (p.relationship ?? '')
    const cx = node.x + node.width / 2
    out.push(
      `<g class="hearth-genogram__person">`,
      `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="10" fill="${FILLS[node.group]}" stroke="${INK}" stroke-width="2"/>`,
      `<text x="${cx}" y="${node.y + 22}" text-anchor="middle" font-size="15" font-weight="bold" fill="${INK}">${escapeXml(truncate(fullName(p), 21))}</text>`,
      `<text x="${cx}" y="${node.y + 40}" text-anchor="middle" font-size="13" fill="${INK}">${escapeXml(truncate(roleName(p.role), 26))}</text>`,
      third
        ? `<text x="${cx}" y="${node.y + 57}" text-anchor="middle" font-size="13" fill="${INK}">${escapeXml(truncate(third, 26))}</text>`
        : '',
      `</g>`,
    )
  }
  out.push('</svg>')
  return out.join('')
}

/** A short sample of each kind of line, for the key beside the drawing (decorative: the words say it). */
export function legendSample(kind: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" viewBox="0 0 60 20" aria-hidden="true" focusable="false"><defs>${markers(`hearth-key-${kind}`)}</defs>${line({ kind, x1: 4, y1: 10, x2: 54, y2: 10 }, `hearth-key-${kind}`)}</svg>`
}

export const LEGEND = (Object.keys(RELATIONSHIP_KINDS) as RelationshipKind[]).map((kind) => ({
  kind,
  text: RELATIONSHIP_KINDS[kind],
  looks: LINE_STYLES[kind].looks,
  sample: legendSample(kind),
}))
