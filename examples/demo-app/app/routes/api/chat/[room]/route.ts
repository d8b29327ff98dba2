// app/routes/api/chat/[room]/route.ts
import { getDurableObject } from '@cloudwerk/core/bindings'
import type { CloudwerkHandlerContext } from '@cloudwerk/core'

export async function GET(request: Request, { params }: CloudwerkHandlerContext<{ room: string }>) {
  const rooms = getDurableObject('chatRoom')
  const room = rooms.get(rooms.idFromName(params.room))
  if (request.headers.get('Upgrade') === 'websocket') {
    return room.fetch(request)
  }
  const history = await room.getHistory(20)
  return Response.json({ history })
}

export async function POST(request: Request, { params }: CloudwerkHandlerContext<{ room: string }>) {
  const { user, text } = await request.json<{ user: string; text: string }>()
  const room = getDurableObject('ChatRoom').get(getDurableObject('ChatRoom').idFromName(params.room))
  return Response.json(await room.post(user, text))
}
