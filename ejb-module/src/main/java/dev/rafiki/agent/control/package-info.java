/** The agent runtime: model providers behind one interface. Today only the offline echo model. */
package dev.rafiki.agent.control;
