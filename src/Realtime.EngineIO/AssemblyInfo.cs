using System.Runtime.CompilerServices;

// The Socket.IO layer serves its client bundle with the same CORS headers as the Engine.IO endpoint (EngineCors).
[assembly: InternalsVisibleTo("Realtime.SocketIO")]
