import { folderOnNoNode, type ProjectFolder } from "@stratavore/contracts";

/**
 * Why nothing can start in a project when every online node that could run it says its folder
 * is not there (`projects.folder`), ending with what to do (`then`: "resume", "launch");
 * undefined while any node has it, cannot say, or no node is online (the server says why then).
 */
export function noFolderReason(folder: ProjectFolder | undefined, then: string): string | undefined {
  if (!folder || !folderOnNoNode(folder.nodes)) return undefined;
  return `The folder ${folder.path} is on no online node (${folder.nodes.map((n) => n.name).join(", ")}): check it out on one, then ${then}.`;
}
